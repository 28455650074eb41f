import Synchronization
import Testing
import TestSupport
@testable import Storage

/// Collects a subscriber's events in the background so tests can wait for one with a deadline
/// (a missing message fails the test instead of hanging it).
final class RedisEventCollector: Sendable {
    /// Events received so far and how far tests have consumed them.
    private struct Log {
        var events: [RedisSubscriberEvent] = []
        var cursor = 0
    }
    private let log = Mutex(Log())

    /// Consumes `subscriber.events` until the subscriber shuts down.
    static func start(_ subscriber: RedisSubscriber) -> RedisEventCollector {
        let collector = RedisEventCollector()
        let stream = subscriber.events
        Task { for await event in stream { collector.log.withLock { $0.events.append(event) } } }
        return collector
    }

    /// The next not yet returned event matching `accept`, or nil after `timeout`.
    func next(within timeout: Duration = .seconds(3),
              where accept: @Sendable (RedisSubscriberEvent) -> Bool = { _ in true }) async -> RedisSubscriberEvent? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = log.withLock { log -> RedisSubscriberEvent? in
                while log.cursor < log.events.count {
                    let event = log.events[log.cursor]
                    log.cursor += 1
                    if accept(event) { return event }
                }
                return nil
            }
            if let found { return found }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    func nextMessage(within timeout: Duration = .seconds(3)) async -> RedisPubSubMessage? {
        let event = await next(within: timeout) {
            if case .message = $0 { return true }
            return false
        }
        guard case .message(let message) = event else { return nil }
        return message
    }
}

@Suite struct RedisSubscriberTests {
    @Test func deliversChannelAndPatternMessagesAndStopsAfterUnsubscribe() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let subscriber = try redis.makeSubscriber()
        let prefix = RedisTestSupport.prefix()
        let reader = RedisEventCollector.start(subscriber)

        try await subscriber.subscribe(prefix + "a")
        try await subscriber.psubscribe(prefix + "p:*")
        #expect(subscriber.channels == [prefix + "a"])
        #expect(try await redis.send("PUBLISH", prefix + "a", "hello") == .integer(1))
        #expect(try await redis.send("PUBLISH", prefix + "p:x", [UInt8]([0, 1, 2])) == .integer(1))

        let first = await reader.nextMessage()
        #expect(first == RedisPubSubMessage(channel: prefix + "a", payload: Array("hello".utf8)))
        let second = await reader.nextMessage()
        #expect(second == RedisPubSubMessage(channel: prefix + "p:x", pattern: prefix + "p:*", payload: [0, 1, 2]))

        // Redis answers PING on a subscribed RESP2 connection with a multi-bulk, and our own use of
        // hiredis's reader (unlike hiredis's async context) delivers it.
        #expect(try await subscriber.pingReply() == .array([.bulkString(Array("pong".utf8)), .bulkString([])]))
        try await subscriber.ping()

        try await subscriber.unsubscribe(prefix + "a")
        try await subscriber.punsubscribe(prefix + "p:*")
        #expect(subscriber.channels.isEmpty && subscriber.patterns.isEmpty)
        #expect(try await redis.send("PUBLISH", prefix + "a", "lost") == .integer(0))
        try await subscriber.subscribe(prefix + "b")
        try await redis.send("PUBLISH", prefix + "b", "after")
        #expect(await reader.nextMessage()?.string == "after")

        await subscriber.shutdown()
        await redis.shutdown()
    }

    @Test func subscriptionRefusedByAnACLIsReportedAndForgotten() async throws {
        let admin = try RedisClient(configuration: RedisTestSupport.configuration())
        let prefix = RedisTestSupport.prefix()
        let user = "sub-\(UInt32.random(in: 0...UInt32.max))"
        try await admin.send("ACL", "SETUSER", user, "on", ">pw", "resetchannels", "&\(prefix)ok:*", "+@all", "~*")
        let base = try RedisConfiguration(url: TestEnvironment.redisURL())
        var configuration = base
        configuration.user = user
        configuration.password = "pw"
        let restricted = try RedisClient(configuration: configuration)
        let subscriber = try restricted.makeSubscriber()
        let events = RedisEventCollector.start(subscriber)

        let refused = await redisCapture { () async throws(RedisError) in try await subscriber.subscribe(prefix + "secret") }
        #expect(refused.redisFailure?.serverErrorPrefix == "NOPERM", "\(refused)")
        #expect(subscriber.channels.isEmpty)
        try await subscriber.subscribe(prefix + "ok:1")
        try await admin.send("PUBLISH", prefix + "ok:1", "fine")
        #expect(await events.nextMessage()?.string == "fine")

        await subscriber.shutdown()
        await restricted.shutdown()
        try await admin.send("ACL", "DELUSER", user)
        await admin.shutdown()
    }

    @Test func pingWorksBeforeAnySubscription() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let subscriber = try redis.makeSubscriber()
        #expect(try await subscriber.pingReply() == .status("PONG"))
        try await subscriber.ping()
        #expect(subscriber.isConnected)
        await subscriber.shutdown()
        await redis.shutdown()
    }
}
