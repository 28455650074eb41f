import Coordination
import HTTP
import Logging

/// Cluster-wide rate limits per service (`burst` per second, `sustained` per minute, from the
/// catalog): `POST /external-services/check-rate-limit` decides (and by default consumes) atomically
/// in Redis for every tier at once; `GET /external-services/:service/rate-limit` shows each tier.
/// Redis down: 503 with Retry-After (fail closed), never an unchecked admission.
struct RateLimitFeature: NodeFeature {
    let name = "rate_limit"
    let store: RateLimitStore
    let catalog: ServiceCatalog
    let metrics: MetricsRegistry

    init(_ services: NodeServices) {
        store = RateLimitStore(redis: services.redis, keys: services.keys)
        catalog = services.configuration.catalog
        metrics = services.metrics
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let controller = RateLimitController(store: store, catalog: catalog, metrics: metrics)
        routes.api.post("/external-services/check-rate-limit") { request, context in
            try await controller.check(request, context)
        }
        routes.api.get("/external-services/:service/rate-limit") { _, context in try await controller.show(context) }
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(RateLimitController.decisions, .counter,
                         help: "Rate-limit decisions by service, outcome (allowed, denied, shadow_denied) and denying tier.")
    }
}
