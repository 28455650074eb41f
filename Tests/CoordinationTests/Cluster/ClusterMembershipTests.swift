import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

@Suite struct ClusterMembershipTests {
    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    static func prefix() -> String { "test-membership-\(UInt32.random(in: 0...UInt32.max))" }

    @Test func heartbeatsListAndLeave() async throws {
        let redis = try Self.redis()
        // A TTL far longer than any pause a loaded CI machine makes between two lines.
        let membership = ClusterMembership(redis: redis, keys: KeySpace(prefix: Self.prefix()), ttlMs: 30_000)
        let t1 = try await membership.heartbeat(nodeID: "node-a", startedAtMs: 1_000)
        try await membership.heartbeat(nodeID: "node-b", startedAtMs: 2_000)
        let nodes = try await membership.liveNodes()
        try #require(nodes.count == 2)
        #expect(nodes.map(\.id) == ["node-a", "node-b"])
        #expect(nodes[0].startedAtMs == 1_000)
        #expect(nodes[0].lastSeenAtMs == t1)
        // The cluster clock is Redis TIME: close to this machine's clock.
        #expect(abs(t1 - Int64(Date().timeIntervalSince1970 * 1000)) < 5_000)

        try await membership.leave(nodeID: "node-a")
        #expect(try await membership.liveNodes().map(\.id) == ["node-b"])
        try await membership.leave(nodeID: "node-b")
        await redis.shutdown()
    }

    @Test func aNodeThatStopsBeatingExpiresAndIsPruned() async throws {
        let redis = try Self.redis()
        let membership = ClusterMembership(redis: redis, keys: KeySpace(prefix: Self.prefix()), ttlMs: 300)
        try await membership.heartbeat(nodeID: "gone", startedAtMs: 1)
        var remaining = try await membership.liveNodes()
        let deadline = ContinuousClock.now + .seconds(10)
        while !remaining.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            remaining = try await membership.liveNodes()
        }
        #expect(remaining.isEmpty)
        #expect(try await redis.send("HLEN", membership.keys.cluster.members).integer == 0)
        await redis.shutdown()
    }

    @Test func heartbeatRefreshesLastSeen() async throws {
        let redis = try Self.redis()
        let membership = ClusterMembership(redis: redis, keys: KeySpace(prefix: Self.prefix()), ttlMs: 30_000)
        let first = try await membership.heartbeat(nodeID: "n1", startedAtMs: 5)
        try await Task.sleep(for: .milliseconds(20))
        let second = try await membership.heartbeat(nodeID: "n1", startedAtMs: 5)
        #expect(second > first)
        #expect(try await membership.liveNodes() == [ClusterNode(id: "n1", startedAtMs: 5, lastSeenAtMs: second)])
        try await membership.leave(nodeID: "n1")
        await redis.shutdown()
    }
}
