import Foundation
import Testing
@testable import Coordination

/// Today's spend rate against the 14-day hourly baseline: statistics, thresholds, the no-baseline
/// rule, the latest-hour check and the reasons' wording, with fixed instants.
@Suite struct SpendAnomalyTests {
    static func at(_ text: String) -> Date { SpendProjectionTests.at(text) }
    static let hour: TimeInterval = 3600

    /// `perHour(i)` for each of the `days` x 24 hours before midnight of `now`'s day (i = 0 oldest).
    static func baseline(before now: String, days: Int = 14, _ perHour: (Int) -> Int64) -> [HourlySpend] {
        let midnight = UTCDay(containing: at(now)).start
        let count = days * 24
        return (0..<count).map { i in
            HourlySpend(hourStart: midnight.addingTimeInterval(-Double(count - i) * hour), micros: perHour(i))
        }
    }

    /// `amounts[h]` in hour h of `now`'s day.
    static func today(_ now: String, _ amounts: [Int64]) -> [HourlySpend] {
        let midnight = UTCDay(containing: at(now)).start
        return amounts.enumerated().map { HourlySpend(hourStart: midnight.addingTimeInterval(Double($0.offset) * hour), micros: $0.element) }
    }

    static let longAgo = at("2020-01-01T00:00:00Z")

    @Test func steadyServiceWithinItsPace() {
        let now = "2026-12-10T12:00:00Z"
        let check = SpendAnomaly(hourly: Self.baseline(before: now) { _ in 100_000 } + Self.today(now, Array(repeating: 100_000, count: 12)),
                                 historyStart: Self.longAgo, now: Self.at(now))
        #expect(check.baselineHours == 336)
        #expect(check.meanMicrosPerHour == 100_000)
        #expect(check.sigmaMicrosPerHour == 0)
        // sigma 0: the 1.5x ratio decides.
        #expect(check.thresholdMicrosPerHour == 150_000)
        #expect(check.todayMicrosPerHour == 100_000)
        #expect(!check.isAnomaly && check.reason == nil)
        #expect(check.result == (false, nil))
    }

    @Test func steadyServiceAtTwiceItsPace() {
        let now = "2026-12-10T12:00:00Z"
        let check = SpendAnomaly(hourly: Self.baseline(before: now) { _ in 100_000 } + Self.today(now, Array(repeating: 200_000, count: 12)),
                                 historyStart: Self.longAgo, now: Self.at(now))
        #expect(check.isAnomaly)
        #expect(check.reason == "today's spend rate $0.20/h is 2.0x the 14-day hourly mean $0.10/h (threshold $0.15/h); "
            + "$0.20 spent in the hour from 11:00 UTC is 2.0x the 14-day hourly mean $0.10/h (threshold $0.15/h)")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var now: String
        var baseline: @Sendable (Int) -> Int64
        var today: [Int64]
        var historyStart: Date? = SpendAnomalyTests.longAgo
        var mean: Int64
        var sigma: Int64
        var threshold: Int64
        var anomaly: Bool
        var reason: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Alternating $0 / $0.20 hours: mean $0.10, sigma $0.10, threshold mean + 3 sigma = $0.40.
        Case(name: "variable baseline, under mean + 3 sigma", now: "2026-12-10T10:00:00Z", baseline: { $0 % 2 == 0 ? 0 : 200_000 },
             today: Array(repeating: 350_000, count: 10), mean: 100_000, sigma: 100_000, threshold: 400_000, anomaly: false),
        Case(name: "variable baseline, over mean + 3 sigma", now: "2026-12-10T10:00:00Z", baseline: { $0 % 2 == 0 ? 0 : 200_000 },
             today: Array(repeating: 450_000, count: 10), mean: 100_000, sigma: 100_000, threshold: 400_000, anomaly: true,
             reason: "today's spend rate $0.45/h is 4.5x the 14-day hourly mean $0.10/h (threshold $0.40/h); "
                + "$0.45 spent in the hour from 09:00 UTC is 4.5x the 14-day hourly mean $0.10/h (threshold $0.40/h)"),
        // Cents: above every statistic of a near-zero baseline, but under the $0.10/h floor.
        Case(name: "tiny amounts never alarm", now: "2026-12-10T10:00:00Z", baseline: { $0 % 24 == 0 ? 1_000 : 0 },
             today: [0, 0, 0, 0, 0, 0, 0, 0, 0, 50_000], mean: 42, sigma: 199, threshold: 100_000, anomaly: false),
        // Idle for two weeks, then $5 in the first minutes of the day: today's rate is at least $5/h.
        Case(name: "idle service spends at 00:05", now: "2026-12-10T00:05:00Z", baseline: { _ in 0 },
             today: [5_000_000], mean: 0, sigma: 0, threshold: 100_000, anomaly: true,
             reason: "today's spend rate $5.00/h is above the 14-day hourly mean $0.00/h (threshold $0.10/h)"),
        // A runaway at 20:00 that today's average (3M over 21.5 h = $0.14/h) still hides.
        Case(name: "late runaway caught by the latest hour", now: "2026-12-10T21:30:00Z", baseline: { _ in 100_000 },
             today: Array(repeating: 100_000, count: 20) + [1_000_000, 0], mean: 100_000, sigma: 0, threshold: 150_000,
             anomaly: true,
             reason: "$1.00 spent in the hour from 20:00 UTC is 10.0x the 14-day hourly mean $0.10/h (threshold $0.15/h)"),
        // The current hour is already past the threshold before it ends.
        Case(name: "current hour already over", now: "2026-12-10T21:10:00Z", baseline: { _ in 100_000 },
             today: Array(repeating: 100_000, count: 21) + [400_000], mean: 100_000, sigma: 0, threshold: 150_000,
             anomaly: true,
             reason: "$0.40 spent in the hour from 21:00 UTC is 4.0x the 14-day hourly mean $0.10/h (threshold $0.15/h)"),
        // Three days of history: the baseline is 72 hours, said so.
        Case(name: "short baseline", now: "2026-12-10T06:00:00Z", baseline: { _ in 100_000 },
             today: Array(repeating: 300_000, count: 6), historyStart: at("2026-12-07T00:00:00Z"),
             mean: 100_000, sigma: 0, threshold: 150_000, anomaly: true,
             reason: "today's spend rate $0.30/h is 3.0x the hourly mean $0.10/h of the last 72 h (threshold $0.15/h); "
                + "$0.30 spent in the hour from 05:00 UTC is 3.0x the hourly mean $0.10/h of the last 72 h (threshold $0.15/h)"),
        // History from 18:00 yesterday: 6 hours is no baseline; $0.80/h is under the $1/h level.
        Case(name: "no baseline, moderate spend", now: "2026-12-10T04:00:00Z", baseline: { _ in 800_000 },
             today: Array(repeating: 800_000, count: 4), historyStart: at("2026-12-09T18:00:00Z"),
             mean: 800_000, sigma: 0, threshold: 1_000_000, anomaly: false),
        // A service that started at 08:00 today: measured from 08:00, not midnight ($6 over 2 h).
        Case(name: "no baseline, new today and burning", now: "2026-12-10T10:00:00Z", baseline: { _ in 0 },
             today: Array(repeating: 0, count: 8) + [3_000_000, 3_000_000], historyStart: at("2026-12-10T08:15:00Z"),
             mean: 0, sigma: 0, threshold: 1_000_000, anomaly: true,
             reason: "today's spend rate $3.00/h is above $1.00/h with no baseline yet (0 h of history before today); "
                + "$3.00 spent in the hour from 09:00 UTC is above $1.00/h with no baseline yet (0 h of history before today)"),
        // The 1st of a month at 00:30: the baseline is the end of the previous month.
        Case(name: "first hour of a month", now: "2026-12-01T00:30:00Z", baseline: { _ in 200_000 },
             today: [900_000], mean: 200_000, sigma: 0, threshold: 300_000, anomaly: true,
             reason: "today's spend rate $0.90/h is 4.5x the 14-day hourly mean $0.20/h (threshold $0.30/h)"),
        // 29 February 2028, over a baseline that spans the leap day's February.
        Case(name: "leap day", now: "2028-02-29T12:00:00Z", baseline: { $0 % 2 == 0 ? 100_000 : 300_000 },
             today: Array(repeating: 250_000, count: 12), mean: 200_000, sigma: 100_000, threshold: 500_000, anomaly: false),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let check = SpendAnomaly(hourly: Self.baseline(before: c.now, c.baseline) + Self.today(c.now, c.today),
                                 historyStart: c.historyStart, now: Self.at(c.now))
        #expect(check.meanMicrosPerHour == c.mean)
        #expect(check.sigmaMicrosPerHour == c.sigma)
        #expect(check.thresholdMicrosPerHour == c.threshold)
        #expect(check.isAnomaly == c.anomaly)
        #expect(check.reason == c.reason)
    }

    /// Buckets outside the window (older than 14 days, later than now) and before the history
    /// start do not count; repeated hours add up.
    @Test func onlyTheWindowCounts() {
        let now = "2026-12-20T12:00:00Z"
        let midnight = UTCDay(containing: Self.at(now)).start
        var hourly = Self.baseline(before: now) { _ in 100_000 }
        hourly.append(HourlySpend(hourStart: midnight.addingTimeInterval(-15 * 86_400), micros: 999_000_000))
        hourly.append(HourlySpend(hourStart: midnight.addingTimeInterval(20 * Self.hour), micros: 999_000_000))
        hourly.append(HourlySpend(hourStart: midnight.addingTimeInterval(11 * Self.hour), micros: 60_000))
        hourly.append(HourlySpend(hourStart: midnight.addingTimeInterval(11 * Self.hour), micros: 60_000))
        let check = SpendAnomaly(hourly: hourly, historyStart: Self.longAgo, now: Self.at(now))
        #expect(check.meanMicrosPerHour == 100_000)
        #expect(check.latestHourMicros == 120_000)
        #expect(check.todayMicrosPerHour == 10_000)
        #expect(!check.isAnomaly)
    }

    @Test func noHistoryAndNoSpendIsQuiet() {
        let check = SpendAnomaly(hourly: [], historyStart: nil, now: Self.at("2026-12-10T12:00:00Z"))
        #expect(!check.isAnomaly && check.reason == nil && check.baselineHours == 0)
    }

    @Test func configurableRule() {
        var rule = SpendAnomaly.Rule()
        rule.floorMicrosPerHour = 1_000_000
        let now = "2026-12-10T00:05:00Z"
        let check = SpendAnomaly(hourly: Self.baseline(before: now) { _ in 0 } + Self.today(now, [900_000]),
                                 historyStart: Self.longAgo, now: Self.at(now), rule: rule)
        #expect(check.thresholdMicrosPerHour == 1_000_000)
        #expect(!check.isAnomaly)
    }

    @Test(arguments: [
        (0 as Int64, "$0.00"), (1, "$0.0000"), (49, "$0.0000"), (50, "$0.0001"), (4_200, "$0.0042"), (9_999, "$0.0100"),
        (10_000, "$0.01"), (14_999, "$0.01"), (15_000, "$0.02"), (1_200_000, "$1.20"), (123_456_789, "$123.46"),
        (-2_500_000, "-$2.50"),
    ])
    func dollars(micros: Int64, text: String) {
        #expect(SpendAnomaly.dollars(micros) == text)
    }

    @Test func integerSquareRoot() {
        var generator = SystemRandomNumberGenerator()
        for value in [Int128(0), 1, 2, 3, 4, 15, 16, 17, 1 << 62, Int128(Int64.max) * Int128(Int64.max)] {
            let root = SpendAnomaly.squareRoot(value)
            #expect(root * root <= value && (root + 1) * (root + 1) > value, "\(value)")
        }
        for _ in 0..<1000 {
            let value = Int128(UInt64.random(in: 0...UInt64.max, using: &generator)) * Int128(UInt32.random(in: 1...UInt32.max, using: &generator))
            let root = SpendAnomaly.squareRoot(value)
            #expect(root * root <= value && (root + 1) * (root + 1) > value, "\(value)")
        }
    }
}
