import Testing
import TestSupport
@testable import Coordination

/// The pure policy types behind realtime figures: recent-latency percentiles and a rate from a total.
@Suite struct LatencyWindowAndRateMeterTests {
    @Test func percentilesAreNearestRankOverTheRecentSamplesOnly() {
        var window = LatencyWindow(capacity: 4)
        #expect(window.percentiles([0.5, 0.99]) == [nil, nil])
        for value in [10.0, 20, 30, 40] { window.record(value) }
        #expect(window.percentiles([0.5, 0.99, 0]) == [20, 40, 10])
        // The ring keeps the last four: 10 and 20 are replaced.
        window.record(1)
        window.record(2)
        #expect(window.count == 4)
        #expect(window.percentiles([0, 0.5, 1]) == [1, 2, 40])
    }

    @Test func rateIsTheTotalsDifferenceOverTheInstantsGiven() {
        let clock = ManualClock()
        var meter = RateMeter<ContinuousClock.Instant>()
        var rates: [Double] = [meter.record(total: 100, now: clock.now)]
        clock.advance(by: .milliseconds(500))
        rates.append(meter.record(total: 150, now: clock.now))
        clock.advance(by: .seconds(2))
        rates.append(meter.record(total: 152, now: clock.now))
        #expect(rates == [0, 100, 1])
        #expect(meter.lastRate == 1)
    }

    @Test func aBucketGivenAnEarlierInstantRefillsNothing() {
        let clock = ManualClock()
        let start = clock.now
        var bucket = TokenBucket<ContinuousClock.Instant>(burst: 2, perSecond: 10, now: clock.advance(by: .seconds(1)))
        let first = bucket.take(now: clock.now), second = bucket.take(now: clock.now)
        #expect(first && second)
        let beforeStart = bucket.take(now: start)
        #expect(!beforeStart)
        let later = bucket.take(now: clock.advance(by: .milliseconds(100)))
        #expect(later)
    }
}
