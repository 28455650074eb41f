import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// The idempotency keys of protected calls against the test script's Redis.
@Suite struct CallResultStoreTests {
    func store() throws -> CallResultStore {
        CallResultStore(redis: try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL())),
                        keys: KeySpace(prefix: "calls\(UInt32.random(in: 0...UInt32.max))"))
    }

    @Test func firstClaimsOthersWaitThenAllGetTheResult() async throws {
        let store = try store()
        #expect(try await store.claim(service: "stripe", key: "k1", requestID: "a", leaseMs: 10_000) == .claimed)
        #expect(try await store.claim(service: "stripe", key: "k1", requestID: "b", leaseMs: 10_000) == .inFlight(requestID: "a"))
        // Another service's key of the same name is its own.
        #expect(try await store.claim(service: "twilio", key: "k1", requestID: "c", leaseMs: 10_000) == .claimed)
        // Someone else's release does not free it.
        try await store.release(service: "stripe", key: "k1", requestID: "b")
        #expect(try await store.claim(service: "stripe", key: "k1", requestID: "b", leaseMs: 10_000) == .inFlight(requestID: "a"))
        let result = Array(#"{"status":200,"body":{"id":"ch_1","note":"pending:done:"}}"#.utf8)
        try await store.complete(service: "stripe", key: "k1", result: result)
        #expect(try await store.claim(service: "stripe", key: "k1", requestID: "d", leaseMs: 10_000) == .done(result: result))
        // A result is never released.
        try await store.release(service: "stripe", key: "k1", requestID: "a")
        #expect(try await store.claim(service: "stripe", key: "k1", requestID: "e", leaseMs: 10_000) == .done(result: result))
        let ttl = try await store.redis.send("PTTL", store.keys.service("stripe").callResult("k1")).integer ?? 0
        #expect(ttl > CallResultStore.resultLifetimeMs - 60_000 && ttl <= CallResultStore.resultLifetimeMs)
    }

    @Test func releasedOrExpiredClaimCanBeTakenAgain() async throws {
        let store = try store()
        #expect(try await store.claim(service: "maps", key: "k2", requestID: "a", leaseMs: 10_000) == .claimed)
        try await store.release(service: "maps", key: "k2", requestID: "a")
        #expect(try await store.claim(service: "maps", key: "k2", requestID: "b", leaseMs: 100) == .claimed)
        // The claimer died: the lease runs out and the key is free.
        try await Task.sleep(for: .milliseconds(250))
        #expect(try await store.claim(service: "maps", key: "k2", requestID: "c", leaseMs: 10_000) == .claimed)
    }
}
