/// Money spent and saved over some span (a service's day, a service's period, everything): the
/// figures of the cost-savings report, integer micro-dollars as in the ledger.
public struct CostSavings: Sendable, Hashable {
    /// `sum(cost_micros)`: what the providers were paid.
    public var costMicros: Int64 = 0
    /// `sum(saved_micros)` of `saved_batching` rows: calls folded into a batch.
    public var savedBatchingMicros: Int64 = 0
    /// `sum(saved_micros)` of `saved_dedup` rows: duplicate calls never sent.
    public var savedDedupMicros: Int64 = 0
    /// `sum(saved_micros)` of every row (the two above, plus any saving recorded on another kind).
    public var savedMicros: Int64 = 0
    /// Ledger rows counted.
    public var events: Int64 = 0

    public init(costMicros: Int64 = 0, savedBatchingMicros: Int64 = 0, savedDedupMicros: Int64 = 0,
                savedMicros: Int64 = 0, events: Int64 = 0) {
        self.costMicros = costMicros
        self.savedBatchingMicros = savedBatchingMicros
        self.savedDedupMicros = savedDedupMicros
        self.savedMicros = savedMicros
        self.events = events
    }

    /// Of what the calls would have cost without coordination (`cost + saved`), the part saved:
    /// 0...1, 0 when nothing was recorded. A ratio, so a Double.
    public var savingsRatio: Double {
        let whole = Double(costMicros) + Double(savedMicros)
        return whole > 0 ? Double(savedMicros) / whole : 0
    }

    /// Adds `other`; nil on overflow (past $9.2 trillion: not a real bill, so bad data).
    func adding(_ other: CostSavings) -> CostSavings? {
        let cost = costMicros.addingReportingOverflow(other.costMicros)
        let batching = savedBatchingMicros.addingReportingOverflow(other.savedBatchingMicros)
        let dedup = savedDedupMicros.addingReportingOverflow(other.savedDedupMicros)
        let saved = savedMicros.addingReportingOverflow(other.savedMicros)
        let events = events.addingReportingOverflow(other.events)
        guard !(cost.overflow || batching.overflow || dedup.overflow || saved.overflow || events.overflow) else { return nil }
        return CostSavings(costMicros: cost.partialValue, savedBatchingMicros: batching.partialValue,
                           savedDedupMicros: dedup.partialValue, savedMicros: saved.partialValue, events: events.partialValue)
    }
}
