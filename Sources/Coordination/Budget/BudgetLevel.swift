/// How much of a budget is committed (spent + reserved), against the tighter of the day's limit and
/// the month's budget. The thresholds are the contract's; the Lua scripts apply the same ones
/// (`level_of` in BudgetPrelude.lua) with integer arithmetic.
public enum BudgetLevel: Int, Sendable, Hashable, Comparable, CaseIterable {
    case ok = 0
    /// 70%.
    case warning
    /// 85%.
    case critical
    /// 90%: only `high` and `critical` priority calls pass.
    case throttled
    /// 95%: only `critical` calls pass.
    case emergency
    /// 100%: nothing passes.
    case blocked

    public static func < (lhs: BudgetLevel, rhs: BudgetLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The contract's name (`ok`, `warning`, ...).
    public var name: String {
        switch self {
        case .ok: "ok"
        case .warning: "warning"
        case .critical: "critical"
        case .throttled: "throttled"
        case .emergency: "emergency"
        case .blocked: "blocked"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    /// The level of `used` micros against `limit` micros (a zero limit is blocked).
    public init(used: Int64, limit: Int64) {
        if limit <= 0 || used >= limit { self = .blocked; return }
        // Multiplied in 128 bits: micros near Int64.max must not overflow into a lower level.
        func atLeast(_ percent: Int64) -> Bool {
            let lhs = used.multipliedFullWidth(by: 100), rhs = limit.multipliedFullWidth(by: percent)
            return (lhs.high, lhs.low) >= (rhs.high, rhs.low)
        }
        if atLeast(95) { self = .emergency } else if atLeast(90) { self = .throttled }
        else if atLeast(85) { self = .critical } else if atLeast(70) { self = .warning } else { self = .ok }
    }

    /// Whether a call of `priority` may pass at this level (before its own cost is counted).
    public func admits(_ priority: CallPriority) -> Bool {
        switch self {
        case .ok, .warning, .critical: true
        case .throttled: priority >= .high
        case .emergency: priority == .critical
        case .blocked: false
        }
    }
}
