import Testing
@testable import Coordination

/// The token bucket (each realtime connection's message budget uses it).
@Suite struct TokenBucketTests {
    /// Spends `count` messages at `at` and returns how many were allowed.
    private func spend(_ budget: inout TokenBucket<ContinuousClock.Instant>, _ count: Int, at: ContinuousClock.Instant) -> Int {
        var allowed = 0
        for _ in 0..<count where budget.take(now: at) { allowed += 1 }
        return allowed
    }

    @Test func burstThenRefillCappedAtTheBurst() {
        let start = ContinuousClock.now
        var budget = TokenBucket<ContinuousClock.Instant>(burst: 20, perSecond: 10, now: start)
        #expect(spend(&budget, 22, at: start) == 20)
        #expect(budget.refusedInARow == 2)
        // 10 per second: one more after 100 ms, not before.
        #expect(spend(&budget, 1, at: start + .milliseconds(50)) == 0)
        #expect(spend(&budget, 1, at: start + .milliseconds(101)) == 1)
        #expect(budget.refusedInARow == 0)
        #expect(spend(&budget, 1, at: start + .milliseconds(102)) == 0)
        // A long pause refills to the burst, never beyond it.
        #expect(spend(&budget, 25, at: start + .seconds(60)) == 20)
    }

    @Test func aClockThatDoesNotAdvanceAddsNothing() {
        let start = ContinuousClock.now
        var budget = TokenBucket<ContinuousClock.Instant>(burst: 1, perSecond: 1000, now: start)
        #expect(spend(&budget, 6, at: start) == 1)
        #expect(budget.refusedInARow == 5)
    }
}
