/// One service's budget now, and its ledger outbox (`BudgetState.lua`).
public struct BudgetSnapshot: Sendable, Hashable {
    public var service: String
    public var atMs: Int64
    /// Nil while the counters are being rebuilt from the ledger.
    public var figures: BudgetFigures?
    public var liveReservations: Int
    /// Reservations released unsettled since the counters were created.
    public var expiredReservations: Int64
    /// Costs and alerts in the outbox, not yet in PostgreSQL.
    public var outboxLength: Int
    /// Cluster time of the oldest outbox entry (nil: empty).
    public var oldestOutboxEntryMs: Int64?
}
