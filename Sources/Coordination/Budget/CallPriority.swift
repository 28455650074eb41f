/// The priority a caller gives a call: near a budget's end only higher priorities pass
/// (`BudgetLevel.admits`), and batching sends higher ones first.
public enum CallPriority: Int, Sendable, Hashable, Comparable, CaseIterable {
    case low = 0
    case medium
    case high
    case critical

    public static func < (lhs: CallPriority, rhs: CallPriority) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    public init?(name: String) {
        guard let priority = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = priority
    }
}
