/// What a caller may do; routes and rooms name the lowest role they accept (admin > manager > user).
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    case user
    case manager
    case admin

    private var rank: Int {
        switch self {
        case .user: 0
        case .manager: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    public var description: String { rawValue }

    /// Throws `insufficientRole` unless this role is at least `minimum`.
    public func require(_ minimum: Role) throws(AuthError) {
        guard self >= minimum else {
            throw AuthError(.insufficientRole, "this requires the \(minimum) role")
        }
    }
}
