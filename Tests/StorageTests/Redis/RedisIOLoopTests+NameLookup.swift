import Foundation
import Testing
@testable import Storage

/// One connection reconnecting through a slow DNS lookup must not stall the other connections
/// its I/O thread drives (getaddrinfo cannot be cancelled and may block for seconds).
@Suite struct RedisNameLookupTests {
    @Test func slowLookupOfOneConnectionDoesNotStallTheOther() async throws {
        let configuration = try RedisTestSupport.configuration {
            $0.host = "localhost"
            $0.connectionCount = 2
            $0.connectTimeout = .seconds(3)
        }
        let slow = RedisExecutorTestLog()
        let redis = try RedisClient(configuration: configuration) { host, port in
            if slow.isStopped {
                slow.append("slow lookup")
                usleep(1_500_000)
            }
            return RedisAddressResolver.system(host, port)
        }
        let killer = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        try await killer.ping()
        let start = ContinuousClock.now
        while !redis.connections.allSatisfy(\.isReady) {
            #expect(ContinuousClock.now - start < .seconds(3), "the client never connected")
            try await Task.sleep(for: .milliseconds(10))
        }
        let second = try await redis.connections[1].execute { RedisCommandEncoder.append(["CLIENT", "ID"], to: &$0) }
            .get().integer ?? -1
        slow.stop()
        try await killer.send("CLIENT", "KILL", "ID", second)

        // Commands keep flowing on the healthy connection while the other one looks up its host.
        var slowest = Duration.zero
        let until = ContinuousClock.now + .milliseconds(2500)
        while ContinuousClock.now < until {
            let (reply, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
            #expect(reply.redisFailure == nil)
            slowest = max(slowest, took)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(slow.entries.count >= 1, "the killed connection should have looked its host up again")
        #expect(slowest < .milliseconds(300), "a command waited \(slowest) behind the other connection's lookup")
        #expect(redis.connections[1].isReady, "the killed connection should be back")
        await redis.shutdown()
        await killer.shutdown()
    }
}
