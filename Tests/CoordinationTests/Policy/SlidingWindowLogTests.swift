import Testing
import TestSupport
@testable import Coordination

/// The sliding log, pure: no interval of the window's length ever holds more than the limit, a
/// denial says exactly when retrying succeeds, and memory stays bounded by the limit.
@Suite struct SlidingWindowLogTests {
    @Test func table() {
        var log = SlidingWindowLog(limit: 5, windowMs: 1_000)
        // (at, units, expected allowed, expected retryAfterMs)
        let steps: [(Int64, Int, Bool, Int64?)] = [
            (0, 2, true, nil), (100, 3, true, nil), (200, 1, false, 800), (999, 1, false, 1),
            (1_000, 1, true, nil),     // the entry at 0 (2 units) left the window at 1000
            (1_000, 2, false, 100),    // 3 + 1 + 2 > 5: waits for the entry at 100
            (1_100, 2, true, nil), (1_100, 6, false, nil),   // more than the limit: never
        ]
        for (at, units, allowed, retry) in steps {
            let decision = log.decide(units: units, now: at)
            #expect(decision.allowed == allowed, "at \(at) units \(units)")
            #expect(decision.retryAfterMs == retry, "at \(at) units \(units)")
        }
    }

    @Test func retryingAtRetryAfterSucceedsAndNoWindowEverHoldsMoreThanTheLimit() {
        var generator = SplitMix64(seed: 42)
        var log = SlidingWindowLog(limit: 20, windowMs: 1_000)
        var admitted: [(Int64, Int)] = []
        var now: Int64 = 0
        for _ in 0..<5_000 {
            now += Int64(generator.next() % 40)
            let units = Int(generator.next() % 4) + 1
            let decision = log.decide(units: units, now: now)
            if decision.allowed {
                admitted.append((now, units))
            } else if let retry = decision.retryAfterMs {
                var probe = log
                #expect(probe.decide(units: units, now: now + retry - 1, consume: false).allowed == false)
                #expect(probe.decide(units: units, now: now + retry, consume: false).allowed)
            }
            #expect(log.entries.count <= 20)
        }
        for (start, _) in admitted {
            let inWindow = admitted.filter { $0.0 >= start && $0.0 < start + 1_000 }.reduce(0) { $0 + $1.1 }
            #expect(inWindow <= 20, "window from \(start) holds \(inWindow)")
        }
    }

    @Test func consumeFalseAnswersWithoutTaking() {
        var log = SlidingWindowLog(limit: 1, windowMs: 1_000)
        #expect(log.decide(units: 1, now: 0, consume: false).allowed)
        #expect(log.decide(units: 1, now: 0).allowed)
        #expect(!log.decide(units: 1, now: 1, consume: false).allowed)
    }
}
