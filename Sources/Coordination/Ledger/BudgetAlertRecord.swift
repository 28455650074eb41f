import Foundation

/// A budget alert as stored in `budget_alerts`: raised by a script when a level was crossed upward
/// (once per service, level and period), or posted by a manager (`POST /budget-alert`).
public struct BudgetAlertRecord: Sendable, Hashable {
    public var id: Int64
    public var service: String
    public var level: String
    /// `day` or `month` for automatic alerts; nil for manual ones.
    public var period: String?
    public var message: String
    public var utilization: Double?
    public var spentMicros: Int64?
    public var limitMicros: Int64?
    public var actor: String
    public var createdAt: Date

    public var manual: Bool { period == nil }

    public init(id: Int64, service: String, level: String, period: String?, message: String, utilization: Double?,
                spentMicros: Int64?, limitMicros: Int64?, actor: String, createdAt: Date) {
        self.id = id
        self.service = service
        self.level = level
        self.period = period
        self.message = message
        self.utilization = utilization
        self.spentMicros = spentMicros
        self.limitMicros = limitMicros
        self.actor = actor
        self.createdAt = createdAt
    }
}
