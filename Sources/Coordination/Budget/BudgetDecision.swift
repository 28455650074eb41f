/// The budget's part of a rate-limit decision taken with a cost.
public struct BudgetDecision: Sendable, Hashable {
    /// Why the budget refused, if it did.
    public enum Refusal: Int, Sendable, Hashable {
        /// Spent + reserved + cost would pass the day's limit.
        case dailyLimit = 1
        /// ... or the month's budget.
        case monthlyBudget = 2
        /// The level (throttled, emergency, blocked) lets only higher priorities through.
        case level = 3
    }

    public var refusal: Refusal?
    /// After the decision (with this call's reservation when it was made).
    public var figures: BudgetFigures
    /// The reservation made, nil when none was (refused, or `consume: false`).
    public var reservationID: String?
    /// Levels this decision raised (once per service, level and period, cluster-wide).
    public var raisedDayLevel: BudgetLevel?
    public var raisedMonthLevel: BudgetLevel?

    /// Reads the script's budget part: reason, 8 figures, raised day and month levels, reserved flag.
    init?(reply: ArraySlice<Int64>, reservationID: String) {
        guard reply.count == 12 else { return nil }
        let values = Array(reply)
        guard let figures = BudgetFigures(reply: values[1...8]) else { return nil }
        refusal = Refusal(rawValue: Int(values[0]))
        self.figures = figures
        raisedDayLevel = values[9] > 0 ? BudgetLevel(rawValue: Int(values[9])) : nil
        raisedMonthLevel = values[10] > 0 ? BudgetLevel(rawValue: Int(values[10])) : nil
        self.reservationID = values[11] == 1 ? reservationID : nil
    }
}
