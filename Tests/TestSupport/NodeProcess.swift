import Foundation
import Synchronization

/// A real `coordinator` process started for a test: the debug binary that `swift build --build-tests`
/// made, run with a test environment, its port read from its "listening" log line. Always `stop()` it.
package final class NodeProcess: Sendable {
    /// The node exited or stayed silent before announcing its port.
    package struct StartError: Error, CustomStringConvertible {
        package var description: String
    }

    package let process: Process
    /// What the reader thread collects: every output line so far and the port once it is announced.
    private final class Collected: Sendable {
        let lines = Mutex<[String]>([])
        let port = Mutex<Int?>(nil)
        let pending = Mutex<Data>(Data())
        /// The output pipe reached end of file: every line the process wrote has been collected.
        let finished = Mutex<Bool>(false)
    }

    private let collected = Collected()

    package static var binary: URL {
        // Tests/TestSupport/NodeProcess.swift -> the repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(".build/debug/coordinator")
    }

    package static var repositoryRoot: URL { binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// Starts `coordinator <arguments>` with `environment` on top of PATH only (nothing else leaks in).
    package init(arguments: [String] = ["serve"], environment: [String: String]) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env["COORD_MIGRATIONS_DIR"] = Self.repositoryRoot.appendingPathComponent("migrations").path
        env["COORD_OPENAPI_FILE"] = Self.repositoryRoot.appendingPathComponent("docs/openapi.json").path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // A blocking read loop on its own thread, not `readabilityHandler`: tearing down the
        // dispatch read source that handler installs races the descriptor's close and crashes the
        // whole test process in `_dispatch_event_loop_drain` (swift-corelibs-libdispatch#949; it
        // happened in CI). A blocking read registers nothing with libdispatch. The thread holds the
        // pipe, so the descriptor stays open until end of file, which comes when the node (and
        // every process that inherited its output) has exited.
        let reader = Thread { [collected, pipe] in
            let fd = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                Self.collect(Data(buffer[0..<n]), into: collected)
            }
            collected.finished.withLock { $0 = true }
        }
        reader.name = "node-output"
        reader.start()
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
               let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let port = obj["port"] as? Int {
                collected.port.withLock { $0 = port }
            }
        }
    }

    /// A test that threw before `stop()` must not leave a node running after the suite.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    package var lines: [String] { collected.lines.withLock { $0 } }
    package var log: String { lines.joined(separator: "\n") }

    /// Waits for the node's "listening" line and returns its port.
    package func waitForPort(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = collected.port.withLock({ $0 }) { return port }
            if !process.isRunning { throw StartError(description: "node exited with \(process.terminationStatus):\n\(log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw StartError(description: "node did not listen within \(timeout):\n\(log)")
    }

    /// Waits until the process has exited and its output is fully read; returns its status (or nil on
    /// timeout). Without the second wait a test could look at the log before the last lines arrive.
    package func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                // Foundation does not always report the pipe's end of file: wait for it, briefly.
                let outputDeadline = min(deadline, ContinuousClock.now + .seconds(2))
                while !collected.finished.withLock({ $0 }) && ContinuousClock.now < outputDeadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return process.terminationStatus
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    package func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// SIGKILL and wait: for tests that end with clients still connected and assert nothing about exit.
    package func killNow() async {
        guard process.isRunning else { return }
        signal(SIGKILL)
        _ = await waitForExit(timeout: .seconds(5))
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`.
    package func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil { signal(SIGKILL); _ = await waitForExit(timeout: .seconds(5)) }
    }
}
