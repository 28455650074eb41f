import Storage
import Synchronization
import Testing
import TestSupport
@testable import Coordination

/// The per-client limit against the test script's real Redis: exact under concurrency from several
/// clients (as several nodes), per `sub`, and a sliding window (a fixed one would refill at once).
@Suite struct ClientRateLimitStoreTests {
    /// Decisions counted by every caller.
    final class Counts: Sendable {
        let allowed = Atomic<Int>(0)
        let denied = Atomic<Int>(0)
    }

    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    /// A key space of its own per test, so runs and tests never share a client's log.
    static func keys() -> KeySpace { KeySpace(prefix: "crls\(UInt32.random(in: 0...UInt32.max))") }

    @Test func exactAcrossClientsAndPerSub() async throws {
        let clients = try (0..<3).map { _ in try Self.redis() }
        let keys = Self.keys()
        let counts = Counts()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<30 {
                let store = ClientRateLimitStore(redis: clients[worker % 3], keys: keys, limit: 25)
                group.addTask {
                    for _ in 0..<3 {
                        guard let decision = try? await store.acquire(sub: "alice") else { continue }
                        if decision.allowed { counts.allowed.add(1, ordering: .relaxed) } else { counts.denied.add(1, ordering: .relaxed) }
                    }
                }
            }
        }
        #expect(counts.allowed.load(ordering: .relaxed) == 25)
        #expect(counts.denied.load(ordering: .relaxed) == 65)
        let store = ClientRateLimitStore(redis: clients[0], keys: keys, limit: 25)
        let refused = try await store.acquire(sub: "alice")
        #expect(!refused.allowed)
        #expect(refused.deniedBy == ClientRateLimitStore.tierName)
        #expect((1...60_000).contains(refused.retryAfterMs ?? 0))
        // Another client has its own window; a `sub` that needs escaping too.
        #expect(try await store.acquire(sub: "bob").allowed)
        #expect(try await store.acquire(sub: "b{o}b:1").allowed)
        // Memory stays bounded by the limit: refusals are not logged.
        #expect(try await clients[0].send("ZCARD", keys.client("alice").rateLimitLog).integer == 25)
        for client in clients { await client.shutdown() }
    }

    /// 3 requests, then 2 half a window later: once the first 3 leave the window there is room for
    /// 3 again, not 5 (a fixed window would have refilled entirely), and `retryAfterMs` says when.
    @Test func theWindowSlides() async throws {
        let redis = try Self.redis()
        let store = ClientRateLimitStore(redis: redis, keys: Self.keys(), limit: 5, windowMs: 2_000)
        let first = try await store.acquire(sub: "carol")
        for _ in 0..<2 { #expect(try await store.acquire(sub: "carol").allowed) }
        try await Task.sleep(for: .milliseconds(1_000))
        var second: Int64 = 0
        for _ in 0..<2 {
            let decision = try await store.acquire(sub: "carol")
            #expect(decision.allowed)
            second = decision.atMs
        }
        let full = try await store.acquire(sub: "carol")
        #expect(!full.allowed)
        let retry = try #require(full.retryAfterMs)
        #expect(retry <= first.atMs + 2_000 - full.atMs + 1)
        try await Task.sleep(for: .milliseconds(retry + 100))
        var passed = 0
        var lastAt: Int64 = 0
        for _ in 0..<4 {
            let decision = try await store.acquire(sub: "carol")
            lastAt = decision.atMs
            if decision.allowed { passed += 1 }
        }
        // Only meaningful while the later two are still in their window (a very slow machine is not).
        if lastAt < second + 2_000 {
            #expect(passed == 3, "after the first 3 left the window, \(passed) of 4 passed (expected 3)")
        }
        await redis.shutdown()
    }
}
