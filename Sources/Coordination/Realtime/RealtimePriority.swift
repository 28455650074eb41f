/// How urgent a realtime event is. Under back-pressure a connection sends higher priorities first and
/// drops `low` first; `critical` is never dropped (API.md, Realtime).
public enum RealtimePriority: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case low
    case medium
    case high
    case critical

    /// 0 (low) ... 3 (critical): also the index of its lane in `RealtimeOutboundQueue`.
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: RealtimePriority, rhs: RealtimePriority) -> Bool { lhs.rank < rhs.rank }
}
