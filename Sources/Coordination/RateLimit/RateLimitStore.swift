import Storage

/// Cluster-wide rate limits in Redis: one atomic script call per decision, whatever the number of
/// nodes asking (`RateLimitAcquire.lua`), all keys under the service's `{svc:<name>}` tag.
public struct RateLimitStore: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace

    static let script = RedisScript(lua: PackageResources.BudgetPrelude_lua + PackageResources.RateLimitAcquire_lua)

    public init(redis: RedisClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.keys = keys
    }

    /// Decides `units` against every tier of `policy`; with `consume` the units are taken from every
    /// tier if (and only if) all allow them. `units` must be at least 1.
    /// With `budget`, the cost is decided (and, with `consume`, reserved) in the same atomic step:
    /// `budgetRebuilding` while the service's counters are not rebuilt from the ledger.
    public func decide(_ policy: RateLimitPolicy, units: Int, consume: Bool,
                       budget: BudgetRequest? = nil) async throws(CoordinationError) -> RateLimitDecision {
        guard units >= 1 else {
            throw CoordinationError(.invalidInput, operation: "rate limit", detail: "units must be at least 1", field: "units")
        }
        let serviceKeys = keys.service(policy.service)
        var args: [any RedisArgumentConvertible] = [String(units), consume ? "1" : "0", policy.mode.rawValue,
                                                    String(policy.tiers.count)]
        for tier in policy.tiers {
            args.append(String(tier.limit))
            args.append(String(tier.windowMs))
        }
        var scriptKeys = [serviceKeys.rateLimitState] + policy.tiers.map { serviceKeys.rateLimitLog($0.name) } + [serviceKeys.limits]
        if let budget {
            guard budget.costMicros >= 0, budget.costMicros <= BudgetStore.maxCostMicros else {
                throw CoordinationError(.invalidInput, operation: "rate limit", detail: "costMicros must be 0 to \(BudgetStore.maxCostMicros)",
                                        field: "costMicros")
            }
            scriptKeys += [serviceKeys.budget, serviceKeys.reservations, serviceKeys.reservation(budget.reservationID),
                           serviceKeys.ledgerOutbox]
            args += [String(budget.costMicros), String(budget.priority.rawValue), budget.reservationID, String(budget.lifetimeMs),
                     String(budget.defaultDailyLimitMicros), String(budget.defaultMonthlyBudgetMicros), policy.service]
        }
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.script, keys: scriptKeys, args: args)
        } catch {
            throw CoordinationError(redis: error, operation: "rate limit \(policy.service)")
        }
        if reply.array?.count == 1, reply.array?.first?.integer == -1 {
            throw CoordinationError(.budgetRebuilding, operation: "budget \(policy.service)",
                                    detail: "the budget counters are not rebuilt from the ledger yet")
        }
        guard let values = reply.array?.compactMap(\.integer),
              let decision = RateLimitDecision(reply: values, policy: policy, budget: budget) else {
            throw CoordinationError(.corruptState, operation: "rate limit \(policy.service)",
                                    detail: "the rate-limit script answered \(reply.redactedDescription)")
        }
        return decision
    }
}
