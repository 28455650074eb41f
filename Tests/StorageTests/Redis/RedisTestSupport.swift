import Foundation
import Glibc
import Testing
import TestSupport
@testable import Storage

/// Helpers of the Redis tests only: the test server's configuration and unique key prefixes (the
/// environment, ports and throwaway redis-server processes are in TestSupport).
enum RedisTestSupport {
    static func configuration(_ adjust: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: TestEnvironment.redisURL())
        adjust(&configuration)
        return configuration
    }

    /// A key prefix no other test (or earlier run) uses.
    static func prefix(_ test: String = #function) -> String {
        "test:\(test.prefix { $0 != "(" }):\(UInt64.random(in: 0...UInt64.max)):"
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
