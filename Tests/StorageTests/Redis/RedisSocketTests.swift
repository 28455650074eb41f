import Glibc
import Testing
@testable import Storage

/// The socket options that let the kernel notice a Redis server that silently vanished.
@Suite struct RedisSocketTests {
    func option(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(fd, level, name, &value, &length) == 0, "getsockopt(\(name)): errno \(errno)")
        return value
    }

    @Test func connectingSocketsProbeForDeadPeers() throws {
        let configuration = try RedisTestSupport.configuration()
        let fd = try RedisSocket.startConnect(host: configuration.host, port: configuration.port,
                                              resolveTimeout: .seconds(2), commandTimeout: .seconds(7))
        defer { close(fd) }
        #expect(option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1)
        #expect(option(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 10)
        #expect(option(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL) == 5)
        #expect(option(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 3)
        #expect(option(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT) == 14_000)
    }

    @Test func userTimeoutIsTwiceTheCommandTimeoutAndAtLeastTenSeconds() {
        #expect(RedisSocket.userTimeoutMilliseconds(commandTimeout: .milliseconds(300)) == 10_000)
        #expect(RedisSocket.userTimeoutMilliseconds(commandTimeout: .seconds(5)) == 10_000)
        #expect(RedisSocket.userTimeoutMilliseconds(commandTimeout: .seconds(30)) == 60_000)
        #expect(RedisSocket.userTimeoutMilliseconds(commandTimeout: .seconds(Int64.max / 2)) == UInt32.max)
    }
}
