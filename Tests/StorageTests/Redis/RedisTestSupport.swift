import Foundation
import Glibc
import Testing
@testable import Storage

/// Shared helpers of the Redis tests: the test server's URL, unique key prefixes, and throwaway
/// redis-server processes for tests that kill Redis or need special flags.
enum RedisTestSupport {
    /// Thrown (failing the test) when the test services were not started.
    struct MissingEnvironment: Error, CustomStringConvertible {
        var description: String {
            "COORD_TEST_REDIS_URL is not set: run the tests through scripts/test.sh (it starts Redis)"
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["COORD_TEST_REDIS_URL"], !url.isEmpty else {
            throw MissingEnvironment()
        }
        return url
    }

    static func configuration(_ adjust: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: url())
        adjust(&configuration)
        return configuration
    }

    /// A key prefix no other test (or earlier run) uses.
    static func prefix(_ test: String = #function) -> String {
        "test:\(test.prefix { $0 != "(" }):\(UInt64.random(in: 0...UInt64.max)):"
    }

    /// A loopback TCP port nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A redis-server child process owned by one test (killed with SIGKILL to simulate a crash).
final class RedisServerProcess {
    let port: Int
    let extraArguments: [String]
    private var process: Process?

    init(port: Int = RedisTestSupport.freePort(), extraArguments: [String] = []) {
        self.port = port
        self.extraArguments = extraArguments
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", "/tmp", "--logfile", ""] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RedisError(.connectionFailed, "redis-server on port \(port) did not start")
    }

    /// SIGKILL: no goodbye on the sockets' application level, like a crash.
    func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Measures how long an async operation takes (for "fails within bounded time" assertions).
func redisTimed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

/// Runs a Redis call and keeps its typed error as a value (closures lose typed throws otherwise).
func redisCapture<T>(_ body: () async throws(RedisError) -> T) async -> Result<T, RedisError> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Result {
    /// The error, when this is a failure.
    var redisFailure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A TCP listener that accepts connections (via the kernel backlog) and never answers: a hung Redis.
final class RedisSilentListener: Sendable {
    let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// A TCP server that answers every connection with bytes that are not RESP (like an HTTP server
/// on the wrong port), then keeps the socket open.
final class RedisGarbageServer: Sendable {
    let listener = RedisSilentListener()
    var port: Int { listener.port }

    init() {
        let fd = listener.fd
        Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                // Answer only once a command arrived, like an HTTP server answering a request:
                // bytes sent before the client queued anything would be refused as unasked for,
                // and the caller would see the connection down rather than the protocol error.
                var request = [UInt8](repeating: 0, count: 512)
                guard read(client, &request, request.count) > 0 else { continue }
                let reply = Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)
                _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            }
        }.start()
    }
}
