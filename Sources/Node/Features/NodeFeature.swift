import HTTP

/// One capability of a node (operations, the dashboard, cluster status, realtime rooms, and next rate
/// limits, budgets, providers, webhooks, batching). A feature declares everything the app needs to run
/// it, so adding one is a new folder plus one line in `NodeApp+Features.swift`, never edits elsewhere:
/// its routes (into the group whose middleware fits them), its background duties (started, restarted
/// with backoff, named in logs and metrics, and stopped by the app), its readiness checks (part of
/// `/readyz`), its metrics, and what it must do at shutdown. It holds only its own stores and settings.
protocol NodeFeature: Sendable {
    /// A fixed word (`realtime`): the prefix of its duties' names in logs and metrics.
    var name: String { get }
    func addRoutes(to routes: inout NodeRoutes)
    /// Work that runs in the background for the node's life.
    var duties: [Duty] { get }
    /// Named checks that must pass for the node to be ready.
    var readinessChecks: [ReadinessCheck] { get }
    /// Declares the feature's metric families (once, at start).
    func describeMetrics(in metrics: MetricsRegistry)
    /// Copies current figures into the registry (each time `/metrics` renders).
    func collectMetrics(into metrics: MetricsRegistry)
    /// Runs at shutdown after the listener closed and every duty stopped, in reverse feature order,
    /// before the shared clients close.
    func stop() async
}

extension NodeFeature {
    func addRoutes(to routes: inout NodeRoutes) {}
    var duties: [Duty] { [] }
    var readinessChecks: [ReadinessCheck] { [] }
    func describeMetrics(in metrics: MetricsRegistry) {}
    func collectMetrics(into metrics: MetricsRegistry) {}
    func stop() async {}
}
