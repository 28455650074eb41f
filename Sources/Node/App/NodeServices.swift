import Coordination
import Foundation
import Logging
import Storage

/// What every feature may draw on: the validated configuration, the shared clients (one Redis client
/// and one PostgreSQL pool per node), the key space, the logger and the metrics registry. Features
/// take what they use from here when they are built; none keeps the whole.
struct NodeServices: Sendable {
    let configuration: NodeConfiguration
    let logger: Logger
    let metrics: MetricsRegistry
    let redis: RedisClient
    let postgres: PostgresClient
    let keys: KeySpace
    let startedAt: Date
    /// The outbound HTTP client to the providers, started with the server (its event loops).
    let upstream = UpstreamClientSlot()

    /// Background failures of the domain are counted here (beside the duties' own counter).
    static let backgroundFailures = "coordinator_background_failures_total"

    /// A failure log for background work inside a store (a cleanup, a gap fill): logged once per
    /// distinct reason, counted in `coordinator_background_failures_total{component,reason}`.
    func failureLog(_ component: String) -> FailureLog {
        FailureLog(component: component, logger: logger) { [metrics] component, reason in
            metrics.increment(Self.backgroundFailures, [("component", component), ("reason", reason)])
        }
    }
}
