/// A cost to reserve with a rate-limit decision (`POST /check-rate-limit` with `costMicros`): the
/// same script decides the tiers and the budget, so either the units and the cost are both taken,
/// or neither.
public struct BudgetRequest: Sendable, Hashable {
    public var costMicros: Int64
    public var priority: CallPriority
    /// Minted by the caller (a UUID): the handle `POST /spend` settles.
    public var reservationID: String
    /// An unsettled reservation is released after this long (counted as expired).
    public var lifetimeMs: Int64
    /// The catalog's values; an admin's (`PUT /:service/budget`) win, read in the same step.
    public var defaultDailyLimitMicros: Int64
    public var defaultMonthlyBudgetMicros: Int64

    public init(costMicros: Int64, priority: CallPriority, reservationID: String, lifetimeMs: Int64,
                defaultDailyLimitMicros: Int64, defaultMonthlyBudgetMicros: Int64) {
        self.costMicros = costMicros
        self.priority = priority
        self.reservationID = reservationID
        self.lifetimeMs = lifetimeMs
        self.defaultDailyLimitMicros = defaultDailyLimitMicros
        self.defaultMonthlyBudgetMicros = defaultMonthlyBudgetMicros
    }
}
