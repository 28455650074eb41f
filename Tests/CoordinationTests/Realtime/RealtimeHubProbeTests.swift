import Foundation
import Storage
import Synchronization
import Testing
import TestSupport
@testable import Coordination

/// The `/readyz` pub/sub probe against the test script's real Redis.
@Suite struct RealtimeHubProbeTests {
    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    /// The probe answers false at once until the fan-out connection is up.
    static func waitUntilConnected(_ hub: RealtimeHub) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !hub.subscriber.isConnected && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try #require(hub.subscriber.isConnected)
    }

    /// `/readyz` is unauthenticated: hammering it must not turn every request into one more PUBLISH
    /// and one more message through the fan-out connection. Probes that overlap share one message.
    @Test func concurrentProbesShareOneMessage() async throws {
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis)
        let run = Task { await hub.run() }
        let channel = KeySpace().node("probe-test-\(UInt32.random(in: 0...UInt32.max))").probeChannel
        try await Self.waitUntilConnected(hub)
        #expect(await hub.probe(channel: channel, timeout: .seconds(2)))   // subscribes the channel

        let listener = try redis.makeSubscriber()
        try await listener.subscribe(channel)
        let heard = Mutex(0)
        let listening = Task { for await event in listener.events { if case .message = event { heard.withLock { $0 += 1 } } } }

        let probes = 50
        let answers = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<probes { group.addTask { await hub.probe(channel: channel, timeout: .seconds(2)) } }
            var answers: [Bool] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        #expect(answers == Array(repeating: true, count: probes))
        try await Task.sleep(for: .milliseconds(200))
        let published = heard.withLock { $0 }
        #expect(published >= 1)
        #expect(published < probes / 2, "\(probes) overlapping probes published \(published) messages")

        await listener.shutdown()
        _ = await listening.value
        await hub.shutdown()
        _ = await run.value
        await redis.shutdown()
    }

    /// A probe whose message never comes back answers false at its timeout, and a later one works.
    @Test func aProbeWithoutItsMessageTimesOutThenTheNextSucceeds() async throws {
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis)
        let channel = KeySpace().node("probe-test-\(UInt32.random(in: 0...UInt32.max))").probeChannel
        try await Self.waitUntilConnected(hub)
        // No run(): nothing consumes the pub/sub connection, so the message is never answered.
        let start = ContinuousClock.now
        #expect(await hub.probe(channel: channel, timeout: .milliseconds(300)) == false)
        #expect(ContinuousClock.now - start < .seconds(2))
        let run = Task { await hub.run() }
        #expect(await hub.probe(channel: channel, timeout: .seconds(2)))
        await hub.shutdown()
        _ = await run.value
        await redis.shutdown()
    }
}
