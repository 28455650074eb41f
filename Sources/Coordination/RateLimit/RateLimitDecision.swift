/// The answer of one rate-limit decision, as the script computed it at cluster time `atMs`.
public struct RateLimitDecision: Sendable, Hashable {
    /// One tier's state after the decision.
    public struct TierState: Sendable, Hashable {
        public var tier: RateLimitTier
        /// Units in the window after this decision.
        public var used: Int
        /// Until the oldest entry of the window leaves it (0: the window is empty).
        public var resetMs: Int64
        /// The alert this decision raised for the tier (once per transition, cluster-wide), if any.
        public var alert: RateLimitAlert?
        public var remaining: Int { max(0, tier.limit - used) }
    }

    /// True when the call may go ahead (always, in shadow mode).
    public var allowed: Bool
    /// The first tier that refused (in shadow mode: that would have refused), nil if none.
    public var deniedBy: String?
    /// When retrying can succeed (unless someone else takes the room first); nil when allowed, and
    /// nil with `deniedBy` set when the units exceed the tier's limit (never).
    public var retryAfterMs: Int64?
    public var atMs: Int64
    public var tiers: [TierState]
    public var mode: RateLimitMode
    /// With a cost: the budget's decision and figures.
    public var budget: BudgetDecision?

    init(allowed: Bool, deniedBy: String?, retryAfterMs: Int64?, atMs: Int64, tiers: [TierState], mode: RateLimitMode,
         budget: BudgetDecision?) {
        self.allowed = allowed
        self.deniedBy = deniedBy
        self.retryAfterMs = retryAfterMs
        self.atMs = atMs
        self.tiers = tiers
        self.mode = mode
        self.budget = budget
    }

    /// Reads the script's flat reply (the mode and limits are those in force, which an admin may have
    /// changed from the policy's defaults) (see `RateLimitAcquire.lua`); nil if it has another shape.
    init?(reply: [Int64], policy: RateLimitPolicy, budget request: BudgetRequest? = nil) {
        let tierCount = policy.tiers.count
        guard reply.count == 5 + 4 * tierCount + (request == nil ? 0 : 12) else { return nil }
        let deniedIndex = Int(reply[1])
        guard deniedIndex >= 0, deniedIndex <= tierCount + (request == nil ? 0 : 2) else { return nil }
        allowed = reply[0] == 1
        deniedBy = switch deniedIndex {
        case 0: nil
        case tierCount + 1: "daily_budget"
        case tierCount + 2: "monthly_budget"
        default: policy.tiers[deniedIndex - 1].name
        }
        retryAfterMs = deniedIndex == 0 || reply[2] < 0 ? nil : reply[2]
        atMs = reply[3]
        mode = reply[4] == 1 ? .shadow : .enforce
        tiers = policy.tiers.enumerated().map { index, tier in
            // The limit in force (an admin's override, or the default the policy carried).
            var current = tier
            current.limit = Int(reply[7 + 4 * index])
            return TierState(tier: current, used: Int(reply[5 + 4 * index]), resetMs: max(0, reply[6 + 4 * index]),
                             alert: RateLimitAlert(code: reply[8 + 4 * index]))
        }
        if let request {
            guard let budget = BudgetDecision(reply: reply[(5 + 4 * tierCount)...], reservationID: request.reservationID)
            else { return nil }
            self.budget = budget
        } else {
            budget = nil
        }
    }
}

/// A change of a tier's alert state, raised by exactly one decision in the cluster.
public enum RateLimitAlert: String, Sendable, Hashable {
    /// 80% of the tier's limit is in use.
    case nearLimit = "near_limit"
    /// The first denial.
    case throttled
    /// Back under 80% after `nearLimit` or `throttled`.
    case recovered

    init?(code: Int64) {
        switch code {
        case 1: self = .nearLimit
        case 2: self = .throttled
        case 3: self = .recovered
        default: return nil
        }
    }
}
