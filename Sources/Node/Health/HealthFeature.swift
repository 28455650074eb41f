import Coordination
import HTTP
import Logging

/// Service health: the per-service circuit breakers shared by every node (used by the calls
/// feature through `HealthServices`), `GET /:service/health` (circuit, latency percentiles, error
/// rate over 5 minutes, cluster-wide), `GET /analytics/performance` from PostgreSQL, and the breaker
/// state in `/metrics`.
struct HealthFeature: NodeFeature {
    let name = "health"
    let services: HealthServices
    let catalog: ServiceCatalog
    let performance: PerformanceStore
    let gauge = CircuitGauge()

    static let circuitState = "coordinator_circuit_state"

    init(_ node: NodeServices, hub: RealtimeHub) {
        services = HealthServices(breakers: CircuitBreakerStore(redis: node.redis, keys: node.keys),
                                  breakerPolicy: node.configuration.breaker, hub: hub,
                                  failures: node.failureLog("health.transitions"))
        catalog = node.configuration.catalog
        performance = PerformanceStore(postgres: node.postgres)
    }

    var duties: [Duty] {
        [Duty("health.circuits", .periodic(.seconds(2))) { [services, catalog, gauge] in
            gauge.update(try await services.breakers.circuits(catalog.names))
        }]
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let health = HealthController(breakers: services.breakers, catalog: catalog)
        routes.api.get("/external-services/:service/health") { _, context in try await health.show(context) }
        let performance = PerformanceController(store: performance)
        routes.api.get("/external-services/analytics/performance") { request, context in try await performance.show(request, context) }
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(Self.circuitState, .gauge, help: "Circuit breaker state by service: 0 closed, 1 half-open, 2 open (read every 2 s).")
    }

    func collectMetrics(into metrics: MetricsRegistry) {
        for (service, state) in gauge.current { metrics.set(Self.circuitState, [("service", service)], to: CircuitGauge.value(state)) }
    }
}
