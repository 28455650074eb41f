import Storage

/// The per-API-client limit (one JWT `sub`): at most `limit` requests in any `windowMs` interval,
/// cluster-wide. Its own lean sliding-log script (`ClientRateLimit.lua`, one tier `per_client`) on the
/// client's `{client:<sub>}` keys: atomic in Redis, one clock (Redis `TIME`), never over-admitting,
/// memory bounded by the limit; a third of the services' script's Redis work, since every API
/// request runs it.
public struct ClientRateLimitStore: Sendable {
    public static let tierName = "per_client"
    static let script = RedisScript(lua: PackageResources.ClientRateLimit_lua)

    public let redis: RedisClient
    public let keys: KeySpace
    /// The single tier every client is held to.
    public let tier: RateLimitTier
    /// The script's arguments are the same for every request: built once, not per request.
    private let args: [any RedisArgumentConvertible]

    /// `limit` must be at least 1 (a node with the limit off does not build a store); `windowMs` is a
    /// minute in production, shorter in tests that watch the window slide.
    public init(redis: RedisClient, keys: KeySpace = KeySpace(), limit: Int, windowMs: Int64 = 60_000) {
        self.redis = redis
        self.keys = keys
        tier = RateLimitTier(name: Self.tierName, limit: limit, windowMs: windowMs)
        args = [String(limit), String(windowMs)]
    }

    /// Takes one request from `sub`'s window if it has room; a denial carries `retryAfterMs` (when
    /// the oldest request leaves the window). Redis unreachable: `sharedStateUnavailable`, so the
    /// caller fails closed.
    public func acquire(sub: String) async throws(CoordinationError) -> RateLimitDecision {
        let client = keys.client(sub)
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.script, keys: [client.rateLimitLog, client.rateLimitState], args: args)
        } catch {
            throw CoordinationError(redis: error, operation: "client rate limit")
        }
        guard let values = reply.array?.compactMap(\.integer), values.count == 4 else {
            throw CoordinationError(.corruptState, operation: "client rate limit",
                                    detail: "the client rate-limit script answered \(reply.redactedDescription)")
        }
        let allowed = values[0] == 1
        return RateLimitDecision(allowed: allowed, deniedBy: allowed ? nil : Self.tierName, retryAfterMs: allowed ? nil : values[1],
                                 atMs: values[2], tiers: [.init(tier: tier, used: Int(values[3]), resetMs: 0, alert: nil)],
                                 mode: .enforce, budget: nil)
    }
}
