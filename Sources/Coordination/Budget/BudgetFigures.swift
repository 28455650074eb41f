/// One service's budget as a script saw it at cluster time: micro-dollars spent in the current UTC
/// day and month, reserved by calls in flight, and the limits in force.
public struct BudgetFigures: Sendable, Hashable {
    public var level: BudgetLevel
    public var spentTodayMicros: Int64
    public var spentMonthMicros: Int64
    /// Sum of live reservations (counted against both the day and the month).
    public var reservedMicros: Int64
    public var dailyLimitMicros: Int64
    public var monthlyBudgetMicros: Int64
    /// Until the UTC day ends.
    public var dayResetMs: Int64
    /// Until the UTC month ends.
    public var monthResetMs: Int64

    public init(level: BudgetLevel, spentTodayMicros: Int64, spentMonthMicros: Int64, reservedMicros: Int64,
                dailyLimitMicros: Int64, monthlyBudgetMicros: Int64, dayResetMs: Int64, monthResetMs: Int64) {
        self.level = level
        self.spentTodayMicros = spentTodayMicros
        self.spentMonthMicros = spentMonthMicros
        self.reservedMicros = reservedMicros
        self.dailyLimitMicros = dailyLimitMicros
        self.monthlyBudgetMicros = monthlyBudgetMicros
        self.dayResetMs = dayResetMs
        self.monthResetMs = monthResetMs
    }

    /// Reads the 8 figures the scripts reply with (`budget_figures` in BudgetPrelude.lua).
    init?(reply: ArraySlice<Int64>) {
        guard reply.count >= 8, let level = BudgetLevel(rawValue: Int(reply[reply.startIndex])) else { return nil }
        let r = Array(reply.prefix(8))
        self.init(level: level, spentTodayMicros: r[1], spentMonthMicros: r[2], reservedMicros: r[3],
                  dailyLimitMicros: r[4], monthlyBudgetMicros: r[5], dayResetMs: r[6], monthResetMs: r[7])
    }

    /// Committed (spent + reserved) over the limit, of the tighter period: 0...1, more when over.
    public var utilization: Double {
        func ratio(_ used: Int64, _ limit: Int64) -> Double {
            limit > 0 ? Double(used) / Double(limit) : (used > 0 ? 1 : 0)
        }
        return max(ratio(spentTodayMicros + reservedMicros, dailyLimitMicros),
                   ratio(spentMonthMicros + reservedMicros, monthlyBudgetMicros))
    }

    /// The budget as two tiers beside the rate-limit tiers (`GET /:service/rate-limit`).
    public var tiers: [(name: String, limit: Int64, windowMs: Int64, used: Int64, resetMs: Int64)] {
        [("daily_budget", dailyLimitMicros, 86_400_000, spentTodayMicros + reservedMicros, dayResetMs),
         ("monthly_budget", monthlyBudgetMicros, 0, spentMonthMicros + reservedMicros, monthResetMs)]
    }
}
