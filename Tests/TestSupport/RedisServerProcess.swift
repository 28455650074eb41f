import Foundation
import Glibc

/// A redis-server child process owned by one test, for tests that kill Redis (SIGKILL, like a crash)
/// or need special flags; the shared test Redis must never be disturbed.
package final class RedisServerProcess {
    package let port: Int
    package let extraArguments: [String]
    private var process: Process?

    /// A server on a free port, not started yet: call `start()`.
    package init(extraArguments: [String] = []) {
        self.port = LoopbackPort.free()
        self.extraArguments = extraArguments
    }

    /// A server on `port`, started at once (a test that killed one starts the next on the same port).
    package init(port: Int, extraArguments: [String] = []) async throws {
        self.port = port
        self.extraArguments = extraArguments
        try await start()
    }

    package var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts redis-server and waits until it accepts connections (at most 5 s).
    package func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", "/tmp", "--logfile", ""] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<250 {
            if LoopbackPort.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill()
        throw NotStarted(port: port)
    }

    /// redis-server did not accept connections in time.
    package struct NotStarted: Error, CustomStringConvertible {
        package var port: Int
        package var description: String { "redis-server did not accept connections on port \(port)" }
    }

    /// SIGKILL: no goodbye on the sockets' application level, like a crash. Waits for the exit, so
    /// the port is free for the next server when this returns.
    package func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}
