import Coordination
import Foundation
import HTTP
import Logging
import Synchronization

/// Realtime rooms: the WebSocket endpoint (`GET /api/v1/realtime`), publishing for backends
/// (`POST /api/v1/realtime/publish`), the cluster's realtime figures (`/realtime-metrics`), the
/// node's fan-out from Redis pub/sub, its report to the other nodes, and the `pubsub` readiness check
/// (a probe through the fan-out connection itself).
struct RealtimeFeature: NodeFeature {
    let name = "realtime"
    let hub: RealtimeHub
    let reports: RealtimeReportStore
    let membership: ClusterMembership
    let rooms = RealtimeRoomCatalog.standard
    let counters = RealtimeCounters()
    let nodeID: String
    let corsOrigins: Set<String>
    let keys: KeySpace
    /// The report duty's delivery rate (read by /realtime-metrics).
    let rate = RateBox()

    /// How long the readiness probe waits for its own message to come back through pub/sub.
    static let probeTimeout = Duration.milliseconds(1000)

    init(_ services: NodeServices) throws(ConfigurationError) {
        do {
            hub = try RealtimeHub(redis: services.redis, keys: services.keys,
                                  gapFillFailures: services.failureLog("realtime.gap_fill"))
        } catch {
            throw ConfigurationError(variable: "COORD_REDIS_URL", problem: error.detail)
        }
        membership = ClusterMembership(redis: services.redis, keys: services.keys)
        reports = RealtimeReportStore(redis: services.redis, keys: services.keys, ttlMs: membership.ttlMs)
        nodeID = services.configuration.nodeID
        corsOrigins = Set(services.configuration.corsOrigins)
        keys = services.keys
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let controller = RealtimeController(feature: self)
        let origins = corsOrigins
        routes.browserSockets.webSocket("/realtime", isOriginAllowed: { origin in
            // Tokens, not cookies, authenticate: a foreign page cannot ride a user's session. Still,
            // when origins are configured, browsers from anywhere else are turned away.
            origins.isEmpty || origin.map { origins.contains($0) } ?? true
        }) { _, context in try controller.accept(context) }
        routes.api.post("/realtime/publish") { request, context in try await controller.publish(request, context) }
        routes.api.get("/external-services/realtime-metrics") { _, context in try await controller.metrics(context) }
    }

    var duties: [Duty] {
        [
            Duty("realtime.fan_out", .continuous) { [hub] in await hub.run() },
            Duty("realtime.report", .periodic(.milliseconds(reports.ttlMs / 3))) { [self] in try await report() },
        ]
    }

    var readinessChecks: [ReadinessCheck] {
        [ReadinessCheck("pubsub") { [hub, keys, nodeID] in
            await hub.probe(channel: keys.node(nodeID).probeChannel, timeout: Self.probeTimeout) ? nil : "not delivering"
        }]
    }

    func stop() async {
        await hub.shutdown()
    }

    /// Measures the delivery rate and leaves this node's figures in Redis for the other nodes.
    func report() async throws(CoordinationError) {
        let statistics = hub.statistics()
        let rate = rate.meter.withLock { $0.record(total: statistics.delivered, now: .now) }
        try await reports.save(currentReport(messagesPerSecond: rate, statistics: statistics))
    }

    /// This node's figures now; `messagesPerSecond` comes from the report duty's last interval.
    func currentReport(messagesPerSecond: Double, statistics: RealtimeHubStatistics? = nil) -> RealtimeNodeReport {
        let statistics = statistics ?? hub.statistics()
        return RealtimeNodeReport(
            nodeId: nodeID, connections: counters.connections.load(ordering: .relaxed),
            rooms: statistics.rooms, messagesPerSecond: messagesPerSecond, deliveredTotal: statistics.delivered,
            droppedTotal: counters.dropped.load(ordering: .relaxed), fanoutP50Ms: statistics.fanoutP50Ms,
            fanoutP99Ms: statistics.fanoutP99Ms, reportedAtMs: Int64(Date().timeIntervalSince1970 * 1000))
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        RealtimeMetrics.describe(in: metrics)
    }

    func collectMetrics(into metrics: MetricsRegistry) {
        let statistics = hub.statistics()
        metrics.set(RealtimeMetrics.connections, to: Double(counters.connections.load(ordering: .relaxed)))
        for room in rooms.names {
            metrics.set(RealtimeMetrics.subscribers, [("room", room)], to: Double(statistics.rooms[room] ?? 0))
        }
        metrics.set(RealtimeMetrics.published, to: Double(statistics.published))
        metrics.set(RealtimeMetrics.received, to: Double(statistics.received))
        metrics.set(RealtimeMetrics.deliveries, to: Double(statistics.delivered))
        metrics.set(RealtimeMetrics.gapFilled, to: Double(statistics.gapFilled))
        metrics.set(RealtimeMetrics.dropped, to: Double(counters.dropped.load(ordering: .relaxed)))
        metrics.set(RealtimeMetrics.slowClosed, to: Double(counters.slowConsumersClosed.load(ordering: .relaxed)))
    }
}

/// The report duty's rate meter, shared with the metrics route.
final class RateBox: Sendable {
    let meter = Mutex(RateMeter<ContinuousClock.Instant>())
    var lastRate: Double { meter.withLock { $0.lastRate } }
}
