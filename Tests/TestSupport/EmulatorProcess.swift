import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A real `provider-emulator` process for a test: the debug binary `swift build --build-tests` made
/// next to `coordinator`, on a free port read from its `{"msg":"listening","port":N}` line. Its
/// output is read by a blocking loop on its own thread (never `readabilityHandler`: libdispatch#949).
/// Always `stop()` it; `deinit` SIGKILLs one a throwing test left behind.
package final class EmulatorProcess: Sendable {
    /// The emulator exited, stayed silent, or a control call failed.
    package struct EmulatorProcessError: Error, CustomStringConvertible {
        package var description: String
    }

    /// One service's counters from `/_emulator/stats`.
    package struct ServiceStats: Sendable, Equatable {
        package var requests: Int
        package var items: Int
        package var byStatus: [String: Int]

        package init(requests: Int, items: Int, byStatus: [String: Int]) {
            self.requests = requests
            self.items = items
            self.byStatus = byStatus
        }
    }

    private final class Collected: Sendable {
        let lines = Mutex<[String]>([])
        let port = Mutex<Int?>(nil)
        let pending = Mutex<Data>(Data())
    }

    package static var binary: URL {
        NodeProcess.binary.deletingLastPathComponent().appendingPathComponent("provider-emulator")
    }

    package let process: Process
    package let port: Int
    package var baseURL: String { "http://127.0.0.1:\(port)" }
    private let collected: Collected

    /// Starts the emulator (`arguments` after `--port 0`) and waits for its listening line.
    package static func start(arguments: [String] = [], timeout: Duration = .seconds(20)) async throws -> EmulatorProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0"] + arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let collected = Collected()
        try process.run()
        let reader = Thread { [collected, pipe] in
            let fd = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                collect(Data(buffer[0..<n]), into: collected)
            }
        }
        reader.name = "emulator-output"
        reader.start()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = collected.port.withLock({ $0 }) {
                return EmulatorProcess(process: process, port: port, collected: collected)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let log = collected.lines.withLock { $0 }.joined(separator: "\n")
        throw EmulatorProcessError(description: "provider-emulator (\(binary.path)) did not listen within \(timeout):\n\(log)")
    }

    private init(process: Process, port: Int, collected: Collected) {
        self.process = process
        self.port = port
        self.collected = collected
    }

    private static func collect(_ chunk: Data, into collected: Collected) {
        let lines: [String] = collected.pending.withLock { data in
            data.append(chunk)
            var out: [String] = []
            while let nl = data.firstIndex(of: 0x0A) {
                out.append(String(decoding: data[data.startIndex..<nl], as: UTF8.self))
                data.removeSubrange(data.startIndex...nl)
            }
            return out
        }
        for line in lines {
            collected.lines.withLock { $0.append(line) }
            if line.contains("\"msg\":\"listening\""),
               let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let port = object["port"] as? Int {
                collected.port.withLock { $0 = port }
            }
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything the emulator printed so far.
    package var log: String { collected.lines.withLock { $0 }.joined(separator: "\n") }

    /// `GET /_emulator/stats` as decoded JSON: `["services": ["maps": ["requests": N, "items": M, "byStatus": [...]]]]`.
    package func stats() async throws -> [String: Any] {
        let reply = try await TestHTTP.request(baseURL + "/_emulator/stats")
        guard reply.status == 200 else { throw EmulatorProcessError(description: "stats: \(reply.status) \(reply.text)") }
        return try reply.json()
    }

    /// The counters of one service (zeros if it has none).
    package func stats(for service: String) async throws -> ServiceStats {
        let services = try await stats()["services"] as? [String: Any] ?? [:]
        let one = services[service] as? [String: Any] ?? [:]
        return ServiceStats(requests: one["requests"] as? Int ?? 0, items: one["items"] as? Int ?? 0,
                            byStatus: one["byStatus"] as? [String: Int] ?? [:])
    }

    /// `POST /_emulator/config` with `json` (`{"service":"maps","rateLimited":true}`); throws on a refusal.
    package func configure(_ json: String) async throws {
        let reply = try await TestHTTP.request(baseURL + "/_emulator/config", method: "POST",
                                               headers: ["Content-Type": "application/json"], body: Data(json.utf8))
        guard reply.status == 200 else { throw EmulatorProcessError(description: "configure: \(reply.status) \(reply.text)") }
    }

    /// `POST /_emulator/reset`: clears counters, knobs and Stripe's idempotency records.
    package func reset() async throws {
        let reply = try await TestHTTP.request(baseURL + "/_emulator/reset", method: "POST")
        guard reply.status == 200 else { throw EmulatorProcessError(description: "reset: \(reply.status) \(reply.text)") }
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`.
    package func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }
}
