import Coordination
import HTTP
import Logging

/// Cluster-wide rate limits per service (`burst` per second, `sustained` per minute, from the
/// catalog): `POST /external-services/check-rate-limit` decides (and by default consumes) atomically
/// in Redis for every tier at once; `GET /external-services/:service/rate-limit` shows each tier.
/// Redis down: 503 with Retry-After (fail closed), never an unchecked admission.
/// `PUT /external-services/:service/limits` (admin) changes a service's limits and mode for the whole
/// cluster at once, durably (PostgreSQL, audited) and live (Redis); a duty copies the durable values
/// back into Redis, so a node started later, or Redis after losing its data, uses the current ones.
struct RateLimitFeature: NodeFeature {
    let name = "rate_limit"
    let store: RateLimitStore
    let limits: ServiceLimitsStore
    let catalog: ServiceCatalog
    let metrics: MetricsRegistry
    let nodeID: String
    let alerts: RateLimitAlerts
    let reservationLifetimeMs: Int64
    let budgets: BudgetStore

    init(_ services: NodeServices, alerts room: RealtimeHub) {
        store = RateLimitStore(redis: services.redis, keys: services.keys)
        limits = ServiceLimitsStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
        catalog = services.configuration.catalog
        metrics = services.metrics
        nodeID = services.configuration.nodeID
        alerts = RateLimitAlerts(hub: room, failures: services.failureLog("rate_limit.alerts"))
        reservationLifetimeMs = Int64(services.configuration.reservationLifetimeMs)
        budgets = BudgetStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
    }

    var duties: [Duty] {
        // Every 10 s: cheap (one row per changed service) and soon enough after a Redis restart.
        [Duty("rate_limit.restore_limits", .periodic(.seconds(10))) { [limits] in try await limits.restore() }]
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let controller = RateLimitController(store: store, catalog: catalog, metrics: metrics, alerts: alerts,
                                             reservationLifetimeMs: reservationLifetimeMs, budgets: budgets)
        routes.api.post("/external-services/check-rate-limit") { request, context in
            try await controller.check(request, context)
        }
        routes.api.get("/external-services/:service/rate-limit") { _, context in try await controller.show(context) }
        let admin = LimitsController(limits: limits, catalog: catalog, nodeID: nodeID)
        routes.api.put("/external-services/:service/limits") { request, context in try await admin.update(request, context) }
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(RateLimitController.decisions, .counter,
                         help: "Rate-limit decisions by service, outcome (allowed, denied, shadow_denied) and denying tier.")
        metrics.describe(RateLimitController.budgetDecisions, .counter,
                         help: "Budget decisions with a cost, by service and outcome (reserved, answered, daily_limit, monthly_budget, level_<level>).")
    }
}
