import Foundation

/// What the ledger (`cost_events`) says about one service's recent spend: the facts the month-end
/// projection and the anomaly check need, read in one statement by `CostHistoryStore` so they
/// agree with each other. All days and hours are UTC.
public struct ServiceCostHistory: Sendable, Hashable {
    public var service: String
    /// The instant the figures were read for.
    public var now: Date
    /// Spent since the first instant of the UTC month, today included.
    public var monthToDateMicros: Int64
    /// Spent in the 7 complete UTC days before today (they may lie in the previous month).
    public var trailingWeekMicros: Int64
    /// Spent since midnight UTC.
    public var spentTodayMicros: Int64
    /// Spend per UTC hour from 14 days before today's midnight up to now, oldest first; hours
    /// without a cost row are absent (they spent nothing).
    public var hourly: [HourlySpend]
    /// The first cost row of the service, or the start of the window read when it has older rows
    /// (either way: "from here on, a missing hour really spent nothing"). Nil: no rows at all.
    public var historyStart: Date?

    public init(service: String, now: Date, monthToDateMicros: Int64 = 0, trailingWeekMicros: Int64 = 0,
                spentTodayMicros: Int64 = 0, hourly: [HourlySpend] = [], historyStart: Date? = nil) {
        self.service = service
        self.now = now
        self.monthToDateMicros = monthToDateMicros
        self.trailingWeekMicros = trailingWeekMicros
        self.spentTodayMicros = spentTodayMicros
        self.hourly = hourly
        self.historyStart = historyStart
    }

    /// Hours since midnight UTC (fractional: 13.5 at 13:30), the divisor of today's rate.
    public var hoursElapsedToday: Double {
        let nowMs = UTCDay.milliseconds(now)
        return Double(nowMs - UTCDay(containingMs: nowMs).startMs) / Double(HourlySpend.millisecondsPerHour)
    }
}
