import Foundation
import Testing
@testable import Coordination

/// Month-end projections at the edges of months (28/29/30/31 days, the first hour, the last
/// instant, leap years) and with short or no history, with fixed instants.
@Suite struct SpendProjectionTests {
    static func at(_ text: String) -> Date {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return parser.date(from: text) ?? ISO8601DateFormatter().date(from: text)!
    }

    /// Older history than the trailing week: the whole week is the rate's basis.
    static let longAgo = "2020-01-01T00:00:00Z"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var now: String
        var monthToDate: Int64
        var week: Int64
        var today: Int64 = 0
        var historyStart: String? = SpendProjectionTests.longAgo
        var projected: Int64
        var basis: SpendProjection.Basis
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // $1/day over the week; 16.5 days left from noon on 15 December.
        Case(name: "31-day month, mid-month", now: "2026-12-15T12:00:00Z", monthToDate: 14_500_000, week: 7_000_000,
             projected: 31_000_000, basis: .trailingWeek),
        // A quarter of the last day left.
        Case(name: "30-day month, last evening", now: "2026-11-30T18:00:00Z", monthToDate: 29_750_000, week: 7_000_000,
             projected: 30_000_000, basis: .trailingWeek),
        // $2/day; one whole day left in a 28-day February.
        Case(name: "28-day February", now: "2027-02-28T00:00:00Z", monthToDate: 54_000_000, week: 14_000_000,
             projected: 56_000_000, basis: .trailingWeek),
        // 2028 is a leap year: 28 February has two days left.
        Case(name: "29-day February (leap year)", now: "2028-02-28T00:00:00Z", monthToDate: 54_000_000, week: 14_000_000,
             projected: 58_000_000, basis: .trailingWeek),
        Case(name: "29 February itself, first hour", now: "2028-02-29T00:30:00Z", monthToDate: 56_000_000, week: 14_000_000,
             // 23.5 h left at $2/day = 1,958,333.33
             projected: 57_958_333, basis: .trailingWeek),
        // The first half hour of December: the rate comes from the last week of November.
        Case(name: "first hour of a month", now: "2026-12-01T00:30:00Z", monthToDate: 20_000, week: 7_000_000,
             // 30 days 23.5 h left = 30.9791666 days at $1/day
             projected: 30_999_167, basis: .trailingWeek),
        Case(name: "first instant of a 31-day month", now: "2026-12-01T00:00:00Z", monthToDate: 0, week: 7_000_000,
             projected: 31_000_000, basis: .trailingWeek),
        Case(name: "first instant of a 30-day month", now: "2026-11-01T00:00:00Z", monthToDate: 0, week: 7_000_000,
             projected: 30_000_000, basis: .trailingWeek),
        Case(name: "first instant of January (week in the previous year)", now: "2027-01-01T00:00:00Z", monthToDate: 0,
             week: 70_000_000, projected: 310_000_000, basis: .trailingWeek),
        // One millisecond left: nothing more to project.
        Case(name: "last millisecond of the month", now: "2026-12-31T23:59:59.999Z", monthToDate: 31_000_000,
             week: 7_000_000, projected: 31_000_000, basis: .trailingWeek),
        Case(name: "a quiet week projects month-to-date", now: "2026-12-15T12:00:00Z", monthToDate: 5_000_000, week: 0,
             projected: 5_000_000, basis: .trailingWeek),
        // Three whole days of history: $3M over 3 days, not over 7.
        Case(name: "three days of history", now: "2026-12-15T12:00:00Z", monthToDate: 3_500_000, week: 3_000_000,
             today: 500_000, historyStart: "2026-12-12T00:00:00Z", projected: 20_000_000, basis: .trailingWeek),
        // History from noon: 2.5 days for $5M = $2M/day.
        Case(name: "history from the middle of a day", now: "2026-12-15T12:00:00Z", monthToDate: 6_000_000, week: 5_000_000,
             today: 1_000_000, historyStart: "2026-12-12T12:00:00Z", projected: 39_000_000, basis: .trailingWeek),
        // Less than a day before today: 12 h observed ($1M yesterday at 23:00, $11M today) = $24M/day,
        // 16 days 13 h left.
        Case(name: "history from late yesterday", now: "2026-12-15T11:00:00Z", monthToDate: 12_000_000, week: 1_000_000,
             today: 11_000_000, historyStart: "2026-12-14T23:00:00Z", projected: 409_000_000, basis: .sinceFirstSpend),
        // A new service this morning: 2 h observed, $1M = $12M/day; 16.5 days left (10:00 -> 16 d 14 h).
        Case(name: "a service new today", now: "2026-12-15T10:00:00Z", monthToDate: 1_000_000, week: 0,
             today: 1_000_000, historyStart: "2026-12-15T08:00:00Z", projected: 200_000_000, basis: .sinceFirstSpend),
        // Under an hour of history: not extrapolated.
        Case(name: "under an hour of history", now: "2026-12-15T10:00:00Z", monthToDate: 1_000_000, week: 0,
             today: 1_000_000, historyStart: "2026-12-15T09:30:00Z", projected: 1_000_000, basis: .monthToDateOnly),
        Case(name: "no history at all", now: "2026-12-15T10:00:00Z", monthToDate: 0, week: 0, historyStart: nil,
             projected: 0, basis: .monthToDateOnly),
        // New on the 1st of the month at 00:00, two hours ago: $0.40 in 2 h = $4.80/day, 30 d 22 h left.
        Case(name: "a service new on the 1st", now: "2026-12-01T02:00:00Z", monthToDate: 400_000, week: 0,
             today: 400_000, historyStart: "2026-12-01T00:00:00Z", projected: 148_800_000, basis: .sinceFirstSpend),
    ]

    @Test(arguments: cases)
    func projects(_ c: Case) {
        let projection = SpendProjection(monthToDateMicros: c.monthToDate, trailingWeekMicros: c.week, spentTodayMicros: c.today,
                                         historyStart: c.historyStart.map(Self.at), now: Self.at(c.now))
        #expect(projection.projectedMonthMicros == c.projected)
        #expect(projection.basis == c.basis)
        #expect(projection.projectedMonthMicros >= c.monthToDate, "never below what is already spent")
    }

    @Test func ratesAndRemainingTime() {
        let projection = SpendProjection(monthToDateMicros: 0, trailingWeekMicros: 7_000_000, spentTodayMicros: 0,
                                         historyStart: Self.at(Self.longAgo), now: Self.at("2026-12-31T18:00:00Z"))
        #expect(projection.dailyRateMicros == 1_000_000)
        #expect(projection.remainingMs == 6 * 3_600_000)
        #expect(projection.projectedMonthMicros == 250_000)
    }

    /// Absurd inputs saturate instead of trapping.
    @Test func hugeFiguresSaturate() {
        let projection = SpendProjection(monthToDateMicros: .max - 1, trailingWeekMicros: .max, spentTodayMicros: .max,
                                         historyStart: Self.at(Self.longAgo), now: Self.at("2026-12-01T00:00:00Z"))
        #expect(projection.projectedMonthMicros == .max)
        let negative = SpendProjection(monthToDateMicros: -5, trailingWeekMicros: -7, spentTodayMicros: -1,
                                       historyStart: Self.at(Self.longAgo), now: Self.at("2026-12-01T00:00:00Z"))
        #expect(negative.projectedMonthMicros == 0)
    }

    /// Monotone in the trailing spend, and exactly linear in it when history is complete.
    @Test func linearInTheWeek() {
        let now = Self.at("2026-02-10T06:00:00Z")
        var previous: Int64 = -1
        for week in stride(from: Int64(0), through: 70_000_000, by: 7_000_000) {
            let p = SpendProjection(monthToDateMicros: 9_000_000, trailingWeekMicros: week, spentTodayMicros: 0,
                                    historyStart: Self.at(Self.longAgo), now: now)
            // 18 days 18 h left in February 2026 = 18.75 days.
            #expect(p.projectedMonthMicros == 9_000_000 + week / 7 * 1875 / 100)
            #expect(p.projectedMonthMicros > previous)
            previous = p.projectedMonthMicros
        }
    }
}
