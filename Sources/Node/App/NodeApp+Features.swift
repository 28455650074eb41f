import Coordination
import Foundation

extension NodeApp {
    /// The node's features, in start order (stopped in reverse), and the readiness they add up to.
    /// Adding a feature is one line here plus its own folder.
    static func makeFeatures(_ services: NodeServices,
                             serverConnections: @escaping @Sendable () -> (all: Int, webSockets: Int))
        throws(ConfigurationError) -> (features: [any NodeFeature], readiness: Readiness) {
        let realtime = try RealtimeFeature(services)
        let health = HealthFeature(services, hub: realtime.hub)
        let others: [any NodeFeature] = [
            MigrationsFeature(services),
            realtime,
            StatusFeature(services, announcements: realtime.hub),
            RateLimitFeature(services, alerts: realtime.hub),
            BudgetFeature(services, alerts: realtime.hub, outlook: BudgetFeature.ledgerOutlook(services)),
            ClientRateLimitFeature(services),
            AnalyticsFeature(services),
            health,
            try CallsFeature(services, upstream: services.upstream, health: health.services, alerts: realtime.hub),
            DashboardFeature(),
        ]
        let readiness = Readiness(nodeID: services.configuration.nodeID,
                                  checks: sharedChecks(services) + others.flatMap(\.readinessChecks))
        // Operations last: /readyz and /metrics report on every other feature.
        let operations = OperationsFeature(services, readiness: readiness, serverConnections: serverConnections,
                                           collect: { metrics in for feature in others { feature.collectMetrics(into: metrics) } })
        return (others + [operations], readiness)
    }
}
