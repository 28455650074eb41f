import Foundation
import Glibc

/// A private PostgreSQL instance (password auth over TCP) for the tests that must stop and restart
/// the server, which the shared test server cannot do without disturbing other tests.
package final class PostgresTestServer {
    /// initdb or pg_ctl exited with a failure.
    package struct CommandFailed: Error, CustomStringConvertible {
        package let description: String
    }

    package static let binaries = "/usr/lib/postgresql/15/bin"
    package let directory: String
    package let port: Int
    package let password: String

    private init(directory: String, port: Int, password: String) {
        self.directory = directory
        self.port = port
        self.password = password
    }

    package var url: String { "postgres://postgres:\(password)@127.0.0.1:\(port)/postgres" }

    /// initdb (about 2 s) and start on a free loopback port.
    package static func create(password: String) async throws -> PostgresTestServer {
        let directory = NSTemporaryDirectory() + "coord-pg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try password.write(toFile: directory + "/pw", atomically: true, encoding: .utf8)
        let server = PostgresTestServer(directory: directory, port: LoopbackPort.free(), password: password)
        if getuid() == 0 { try await run("/bin/chown", ["-R", "postgres:", directory], asOwner: false) }
        try await run(binaries + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth-local=trust",
                                       "--auth-host=scram-sha-256", "--pwfile=" + directory + "/pw", "-E", "UTF8", "--no-sync"])
        try await server.start()
        return server
    }

    package func start() async throws {
        try await Self.run(Self.binaries + "/pg_ctl", [
            "-D", directory + "/data", "-w", "-t", "30", "-l", directory + "/pg.log",
            "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ])
    }

    package func stop() async throws {
        try await Self.run(Self.binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    /// Stops the server if it runs and deletes its files.
    package func destroy() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// initdb and pg_ctl refuse root: as root they run as the `postgres` user (like scripts/lib/common.sh).
    /// posix_spawn + waitpid on a thread of its own: Foundation's `Process.waitUntilExit` never
    /// returns for `pg_ctl start` here, and a blocking wait must not hold a cooperative thread.
    private static func run(_ tool: String, _ arguments: [String], asOwner: Bool = true) async throws {
        let argv = asOwner && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread { continuation.resume(returning: spawnAndWait(argv)) }
        }
        guard status == 0 else {
            throw CommandFailed(description: "\(argv.joined(separator: " ")) exited with status \(status)")
        }
    }

    private static func spawnAndWait(_ argv: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let copies = argv.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, copies + [nil], environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff | (status & 0x7f)
    }
}
