import Foundation

/// Where a service's spend will end the UTC month if it keeps its recent pace:
///
///     projected = month-to-date + daily rate x days left
///
/// - **Days left** is exact: from `now` to the first instant of next month (UTC), so the rest of
///   today counts as the fraction of it that is left (at 18:00 on the 30th of a 30-day month, 0.25
///   day). The 1st at 00:00 has the whole month left; nothing is projected past its end.
/// - **Daily rate** comes from the trailing 7 *complete* UTC days (today is left out: a partial day
///   over- or under-states the pace depending on the hour). Those days may lie in the previous
///   month, which is what makes the projection useful on the 1st: month-to-date alone knows nothing.
/// - **Short history** (a new service, or a ledger that started recording recently): only time
///   since `historyStart` (the first cost row the ledger holds for the service) counts, so zeros
///   from before the service existed do not dilute the rate. With at least one complete day of
///   history before today, the rate is the spend of those days over their length (`.trailingWeek`).
///   With less, it is everything spent since `historyStart` (today included) over the time since
///   (`.sinceFirstSpend`), once that is at least `minimumObservationMs` (1 h by default: a single
///   call a minute after the first would otherwise be extrapolated x1440 per day). Below that, or
///   with no history at all, nothing is extrapolated: the projection is month-to-date
///   (`.monthToDateOnly`).
///
/// Integer micro-dollars throughout (one rounding, to the nearest micro, at the end). Pure: the
/// caller passes `now`.
public struct SpendProjection: Sendable, Hashable {
    /// Which rule produced the rate (shown to users so a surprising figure can be explained).
    public enum Basis: String, Sendable, Hashable {
        case trailingWeek, sinceFirstSpend, monthToDateOnly
    }

    public let projectedMonthMicros: Int64
    public let basis: Basis
    /// Estimated spend per day from now to the end of the month.
    public let dailyRateMicros: Int64
    /// Milliseconds from `now` to the end of the UTC month.
    public let remainingMs: Int64

    public static let defaultMinimumObservationMs: Int64 = 3_600_000

    /// - Parameters:
    ///   - monthToDateMicros: spent since the first instant of the UTC month, today included.
    ///   - trailingWeekMicros: spent in the 7 complete UTC days before today.
    ///   - spentTodayMicros: spent since midnight UTC (used only when history is shorter than a day).
    ///   - historyStart: the first cost row of the service (nil: none), or any instant at or before
    ///     the start of the trailing week when it has older rows.
    public init(monthToDateMicros: Int64, trailingWeekMicros: Int64, spentTodayMicros: Int64, historyStart: Date?,
                now: Date, minimumObservationMs: Int64 = SpendProjection.defaultMinimumObservationMs) {
        let nowMs = UTCDay.milliseconds(now)
        let today = UTCDay(containingMs: nowMs)
        let todayStartMs = today.startMs
        let weekStartMs = today.advanced(by: -7).startMs
        let spentMonth = max(0, monthToDateMicros)
        remainingMs = today.firstOfNextMonth.startMs - nowMs

        var basis = Basis.monthToDateOnly
        var spent: Int64 = 0, observedMs: Int64 = 0
        if let historyStart {
            let observedStartMs = max(weekStartMs, UTCDay.milliseconds(historyStart))
            if todayStartMs - observedStartMs >= UTCDay.millisecondsPerDay {
                (basis, spent, observedMs) = (.trailingWeek, max(0, trailingWeekMicros), todayStartMs - observedStartMs)
            } else if nowMs - observedStartMs >= max(1, minimumObservationMs) {
                (basis, spent, observedMs) = (.sinceFirstSpend, max(0, trailingWeekMicros) &+ max(0, spentTodayMicros),
                                              nowMs - observedStartMs)
            }
        }
        self.basis = basis
        guard basis != .monthToDateOnly else {
            dailyRateMicros = 0
            projectedMonthMicros = spentMonth
            return
        }
        dailyRateMicros = Self.scaled(spent, by: UTCDay.millisecondsPerDay, over: observedMs)
        let ahead = Self.scaled(spent, by: remainingMs, over: observedMs)
        projectedMonthMicros = spentMonth.addingReportingOverflow(ahead).overflow ? .max : spentMonth + ahead
    }

    /// `value x numerator / denominator`, rounded to the nearest, in 128 bits (no trap), saturated.
    static func scaled(_ value: Int64, by numerator: Int64, over denominator: Int64) -> Int64 {
        guard denominator > 0 else { return 0 }
        let exact = (Int128(value) * Int128(numerator) + Int128(denominator / 2)) / Int128(denominator)
        return exact > Int128(Int64.max) ? .max : Int64(exact)
    }
}
