import Coordination
import HTTP
import Logging

/// Calls to the providers through one protected path (`ProtectedCall`):
/// `POST /api/v1/external-services/call` (user). The adapters come from `ProviderAdapters.standard`,
/// base URLs and credentials from the configuration; the HTTP client is the node's
/// (`UpstreamClientSlot`, started on the server's event loops).
struct CallsFeature: NodeFeature {
    let name = "calls"
    let protected: ProtectedCall

    init(_ services: NodeServices, upstream: UpstreamClientSlot, health: HealthServices, alerts room: RealtimeHub)
        throws(ConfigurationError) {
        let configuration = services.configuration
        let endpoints = try ProviderEndpoint.all(configuration: configuration, adapters: ProviderAdapters.standard)
        protected = ProtectedCall(
            endpoints: endpoints, catalog: configuration.catalog,
            limits: RateLimitStore(redis: services.redis, keys: services.keys),
            budgets: BudgetStore(redis: services.redis, postgres: services.postgres, keys: services.keys),
            results: CallResultStore(redis: services.redis, keys: services.keys),
            health: health, upstream: upstream,
            alerts: RateLimitAlerts(hub: room, failures: services.failureLog("calls.rate_limit_alerts")),
            metrics: services.metrics, nodeID: configuration.nodeID,
            reservationLifetimeMs: Int64(configuration.reservationLifetimeMs),
            timeout: .milliseconds(configuration.upstreamTimeoutMs))
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let protected = self.protected
        routes.api.post("/external-services/call") { request, context in
            try context.require(.user)
            let call = try CallRequest(request)
            let answer = try await protected.call(call, requestID: context.requestID)
            return HTTPResponse.json(encoded: answer.body, headers: answer.replayed ? ["Idempotent-Replayed": "true"] : [:])
        }
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(ProtectedCall.requests, .counter,
                         help: "Calls to providers by service, operation and outcome (succeeded, item_error, upstream_error, transport_error, timeout, circuit_open).")
        metrics.describe(ProtectedCall.latency, .histogram, help: "Latency of calls to providers in seconds, retries included, by service.")
        metrics.describe(ProtectedCall.settleFailures, .counter,
                         help: "Calls whose cost could not be settled (Redis away): their reservation expires instead.")
        metrics.describe(ProtectedCall.replays, .counter, help: "Calls answered from an earlier call with the same idempotencyKey.")
    }
}
