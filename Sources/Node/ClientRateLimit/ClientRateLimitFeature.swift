import Coordination
import HTTP

/// The per-API-client limit (`COORD_CLIENT_RATE_LIMIT_PER_MINUTE` requests per JWT `sub` per minute,
/// cluster-wide, a sliding window in Redis): a middleware on the authenticated groups, so it covers
/// every `/api/v1` route and the realtime WebSocket handshake, whichever feature registered them. A
/// limit of 0 installs nothing (no Redis call per request).
struct ClientRateLimitFeature: NodeFeature {
    let name = "client_rate_limit"
    /// nil when the limit is off.
    let middleware: ClientRateLimitMiddleware?

    init(_ services: NodeServices) {
        let limit = services.configuration.clientRateLimitPerMinute
        middleware = limit == 0 ? nil : ClientRateLimitMiddleware(
            store: ClientRateLimitStore(redis: services.redis, keys: services.keys, limit: limit), metrics: services.metrics)
    }

    func addRoutes(to routes: inout NodeRoutes) {
        guard let middleware else { return }
        // `use` appends inside the groups' auth middleware (set when the groups were made), so the
        // principal is known here whatever order the features register in.
        routes.api.use(middleware)
        routes.browserSockets.use(middleware)
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(ClientRateLimitMiddleware.limited, .counter,
                         help: "API requests refused with 429 because their client (JWT sub) was over its per-minute limit.")
        // Rendered as 0 from the start, so rate() and alerts see the series before the first refusal.
        _ = metrics.series(ClientRateLimitMiddleware.limited)
    }
}
