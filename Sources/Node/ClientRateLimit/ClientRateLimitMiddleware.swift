import Auth
import Coordination
import HTTP

/// Holds every API client (JWT `sub`) to its per-minute limit, cluster-wide, before the route runs:
/// past it, 429 `rate_limited` with `Retry-After` (whole seconds, rounded up, so a client that waits
/// that long finds room unless its own other requests took it first). Installed inside the auth
/// middleware of its groups, so it always sees the verified principal; providers (webhook
/// signatures) are not API clients and pass. Redis down: the store's error answers 503 with
/// `Retry-After` (fail closed): an unchecked request could exceed the limit.
struct ClientRateLimitMiddleware: HTTPMiddleware {
    let store: ClientRateLimitStore
    let metrics: MetricsRegistry

    static let limited = "coordinator_client_rate_limited_total"

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        // No bearer principal: not an API client (or no auth ran; the route itself answers 401).
        guard case .bearer(let claims)? = context.principal else { return await next(request, context) }
        let decision = try await store.acquire(sub: claims.subject)
        guard decision.allowed else {
            // No per-sub label: the number of clients is unbounded, and so would be the series.
            metrics.increment(Self.limited)
            throw Self.error(retryAfterMs: decision.retryAfterMs, tier: store.tier)
        }
        return await next(request, context)
    }

    /// The 429 for a denial. One request never exceeds a limit of at least 1, so `retryAfterMs` is
    /// set; should it not be, a whole window is the answer that is surely late enough.
    static func error(retryAfterMs: Int64?, tier: RateLimitTier) -> HTTPError {
        let seconds = Int(max(1, ((retryAfterMs ?? tier.windowMs) + 999) / 1000))
        return HTTPError.tooManyRequests(
            retryAfterSeconds: seconds,
            message: "Too many requests from this client: at most \(tier.limit) per minute; retry in \(seconds) s.")
    }
}
