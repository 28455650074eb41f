import Storage

/// Cluster-wide rate limits in Redis: one atomic script call per decision, whatever the number of
/// nodes asking (`RateLimitAcquire.lua`), all keys under the service's `{svc:<name>}` tag.
public struct RateLimitStore: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace

    static let script = RedisScript(lua: PackageResources.RateLimitAcquire_lua)

    public init(redis: RedisClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.keys = keys
    }

    /// Decides `units` against every tier of `policy`; with `consume` the units are taken from every
    /// tier if (and only if) all allow them. `units` must be at least 1.
    public func decide(_ policy: RateLimitPolicy, units: Int, consume: Bool) async throws(CoordinationError) -> RateLimitDecision {
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
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.script, keys: [serviceKeys.rateLimitState] + policy.tiers.map { serviceKeys.rateLimitLog($0.name) }
                                            + [serviceKeys.limits],
                                        args: args)
        } catch {
            throw CoordinationError(redis: error, operation: "rate limit \(policy.service)")
        }
        guard let values = reply.array?.compactMap(\.integer), let decision = RateLimitDecision(reply: values, policy: policy) else {
            throw CoordinationError(.corruptState, operation: "rate limit \(policy.service)",
                                    detail: "the rate-limit script answered \(reply.redactedDescription)")
        }
        return decision
    }
}
