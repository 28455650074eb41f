import Storage
import Synchronization
import Testing
import TestSupport
@testable import Coordination

/// The rate-limit script against the test script's real Redis.
@Suite struct RateLimitStoreTests {
    /// Admitted decisions from every caller: (cluster time, units).
    final class Admitted: Sendable {
        let list = Mutex<[(Int64, Int)]>([])
    }

    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    /// A service of its own per test (its own `{svc:...}` keys).
    static func policy(burst: Int, sustained: Int, mode: RateLimitMode = .enforce) -> RateLimitPolicy {
        RateLimitPolicy(service: "test-\(UInt32.random(in: 0...UInt32.max))", tiers: [
            RateLimitTier(name: "burst", limit: burst, windowMs: 1_000),
            RateLimitTier(name: "sustained", limit: sustained, windowMs: 60_000),
        ], mode: mode)
    }

    @Test func everyTierOrNoneAndDenialsNameTheTier() async throws {
        let redis = try Self.redis()
        let store = RateLimitStore(redis: redis)
        let policy = Self.policy(burst: 5, sustained: 7)
        let first = try await store.decide(policy, units: 3, consume: true)
        #expect(first.allowed && first.deniedBy == nil && first.retryAfterMs == nil)
        #expect(first.tiers.map(\.used) == [3, 3])
        // 3 more would pass the sustained tier (7) but not burst (5): nothing is taken from either.
        let second = try await store.decide(policy, units: 3, consume: true)
        #expect(!second.allowed)
        #expect(second.deniedBy == "burst")
        #expect((1...1_000).contains(second.retryAfterMs ?? 0))
        #expect(second.tiers.map(\.used) == [3, 3])
        #expect(second.tiers.map(\.remaining) == [2, 4])
        // More units than a tier's limit can never pass.
        let never = try await store.decide(policy, units: 6, consume: true)
        #expect(!never.allowed && never.deniedBy == "burst" && never.retryAfterMs == nil)
        await redis.shutdown()
    }

    @Test func retryAfterIsAccurateAndConsumeFalseTakesNothing() async throws {
        let redis = try Self.redis()
        let store = RateLimitStore(redis: redis)
        let policy = Self.policy(burst: 2, sustained: 100)
        _ = try await store.decide(policy, units: 2, consume: true)
        let peek = try await store.decide(policy, units: 1, consume: false)
        #expect(!peek.allowed)
        let denied = try await store.decide(policy, units: 1, consume: true)
        let retry = try #require(denied.retryAfterMs)
        #expect(denied.tiers[0].used == 2)
        #expect(denied.tiers[0].resetMs == retry)
        try await Task.sleep(for: .milliseconds(retry + 15))
        let later = try await store.decide(policy, units: 1, consume: false)
        #expect(later.allowed, "retrying after \(retry) ms was refused")
        #expect(later.tiers[0].used == 0)
        await redis.shutdown()
    }

    @Test func shadowModeNeverDeniesButCountsAndStaysBounded() async throws {
        let redis = try Self.redis()
        let store = RateLimitStore(redis: redis)
        let policy = Self.policy(burst: 3, sustained: 100, mode: .shadow)
        var wouldDeny = 0
        for _ in 0..<10 {
            let decision = try await store.decide(policy, units: 1, consume: true)
            #expect(decision.allowed)
            if decision.deniedBy == "burst" { wouldDeny += 1 }
        }
        #expect(wouldDeny >= 6)
        let log = KeySpace().service(policy.service).rateLimitLog("burst")
        #expect(try await redis.send("ZCARD", log).integer ?? 99 <= 3)
        await redis.shutdown()
    }

    /// Three clients (as three nodes) and many concurrent callers with weighted units: record every
    /// admitted decision's cluster time and check that no interval of either window holds more than
    /// its limit, and that saturation still admits nearly the limit.
    @Test func neverOverAdmitsAcrossClientsUnderSaturation() async throws {
        let clients = try (0..<3).map { _ in try Self.redis() }
        let policy = Self.policy(burst: 40, sustained: 150)
        let admitted = Admitted()
        let deadline = ContinuousClock.now + .milliseconds(3_500)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<24 {
                let store = RateLimitStore(redis: clients[worker % 3])
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(worker))
                    while ContinuousClock.now < deadline {
                        let units = Int(generator.next() % 3) + 1
                        guard let decision = try? await store.decide(policy, units: units, consume: true) else { continue }
                        if decision.allowed { admitted.list.withLock { $0.append((decision.atMs, units)) } }
                    }
                }
            }
        }
        let all = admitted.list.withLock { $0 }.sorted { $0.0 < $1.0 }
        for (window, limit) in [(Int64(1_000), 40), (Int64(60_000), 150)] {
            var worst = 0
            var end = 0
            var sum = 0
            for start in all.indices {
                while end < all.count && all[end].0 < all[start].0 + window { sum += all[end].1; end += 1 }
                worst = max(worst, sum)
                sum -= all[start].1
            }
            #expect(worst <= limit, "a \(window) ms interval held \(worst) units (limit \(limit))")
        }
        // Saturated for 3.5 s: the sustained tier (150) is the binding one and must be nearly full.
        let total = all.reduce(0) { $0 + $1.1 }
        #expect(total >= 143, "only \(total) of 150 units admitted under saturation")
        for client in clients { await client.shutdown() }
    }
}

/// Alert transitions are raised by exactly one decision each, whichever client makes it.
@Suite struct RateLimitAlertTests {
    final class Seen: Sendable {
        let alerts = Mutex<[RateLimitAlert]>([])
    }

    @Test func nearLimitThrottledRecoveredOncePerTransition() async throws {
        let redis = try RateLimitStoreTests.redis()
        let store = RateLimitStore(redis: redis)
        let policy = RateLimitStoreTests.policy(burst: 5, sustained: 1_000)
        var seen: [RateLimitAlert?] = []
        for _ in 0..<7 { seen.append(try await store.decide(policy, units: 1, consume: true).tiers[0].alert) }
        // 4 of 5 used is 80%: near_limit; the 6th call is the first denial; the 7th changes nothing.
        #expect(seen == [nil, nil, nil, .nearLimit, nil, .throttled, nil])
        try await Task.sleep(for: .milliseconds(1_050))
        #expect(try await store.decide(policy, units: 1, consume: true).tiers[0].alert == .recovered)
        await redis.shutdown()
    }

    @Test func concurrentClientsSeeEachTransitionOnce() async throws {
        let clients = try (0..<3).map { _ in try RateLimitStoreTests.redis() }
        let policy = RateLimitStoreTests.policy(burst: 5, sustained: 1_000)
        let seen = Seen()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<30 {
                let store = RateLimitStore(redis: clients[index % 3])
                group.addTask {
                    if let alert = try? await store.decide(policy, units: 1, consume: true).tiers[0].alert {
                        seen.alerts.withLock { $0.append(alert) }
                    }
                }
            }
        }
        #expect(seen.alerts.withLock { $0 }.sorted { $0.rawValue < $1.rawValue } == [.nearLimit, .throttled])
        for client in clients { await client.shutdown() }
    }
}
