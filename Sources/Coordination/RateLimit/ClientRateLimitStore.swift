import Storage

/// The per-API-client limit (one JWT `sub`): at most `limit` requests in any `windowMs` interval,
/// cluster-wide. It runs the services' sliding-log script (`RateLimitAcquire.lua`) with a single tier,
/// `per_client`, on the client's own `{client:<sub>}` keys, so it inherits the script's guarantees:
/// atomic in Redis, one clock (Redis `TIME`), never over-admitting, memory bounded by the limit.
public struct ClientRateLimitStore: Sendable {
    public static let tierName = "per_client"

    public let redis: RedisClient
    public let keys: KeySpace
    /// The single tier every client is held to.
    public let tier: RateLimitTier
    private let policy: RateLimitPolicy
    /// The script's arguments are the same for every request (1 unit, consume, enforce, one tier):
    /// built once rather than per request on the hot path.
    private let args: [any RedisArgumentConvertible]

    /// `limit` must be at least 1 (a node with the limit off does not build a store); `windowMs` is a
    /// minute in production, shorter in tests that watch the window slide.
    public init(redis: RedisClient, keys: KeySpace = KeySpace(), limit: Int, windowMs: Int64 = 60_000) {
        self.redis = redis
        self.keys = keys
        tier = RateLimitTier(name: Self.tierName, limit: limit, windowMs: windowMs)
        // The policy's service name only labels errors; the keys are the client's.
        policy = RateLimitPolicy(service: "api_client", tiers: [tier], mode: .enforce)
        args = ["1", "1", RateLimitMode.enforce.rawValue, "1", String(limit), String(windowMs)]
    }

    /// Takes one request from `sub`'s window if it has room; a denial carries `retryAfterMs` (when
    /// the oldest request leaves the window). Redis unreachable: `sharedStateUnavailable`, so the
    /// caller fails closed.
    public func acquire(sub: String) async throws(CoordinationError) -> RateLimitDecision {
        let client = keys.client(sub)
        let reply: RedisReply
        do {
            reply = try await redis.run(RateLimitStore.script, keys: [client.rateLimitState, client.rateLimitLog, client.limits],
                                        args: args)
        } catch {
            throw CoordinationError(redis: error, operation: "client rate limit")
        }
        guard let values = reply.array?.compactMap(\.integer), let decision = RateLimitDecision(reply: values, policy: policy) else {
            throw CoordinationError(.corruptState, operation: "client rate limit",
                                    detail: "the rate-limit script answered \(reply.redactedDescription)")
        }
        return decision
    }
}
