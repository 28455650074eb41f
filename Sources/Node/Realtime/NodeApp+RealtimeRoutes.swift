import Logging
import Auth
import Coordination
import Foundation
import HTTP

extension NodeApp {
    /// POST /api/v1/realtime/publish body.
    struct RealtimePublishRequest: Decodable {
        var room: String
        var event: String
        var data: JSONValue
        var priority: RealtimePriority?
    }

    /// Largest `data` accepted for one event: events fan out to every subscriber of the room.
    static let maxEventDataBytes = 65_536

    /// GET /api/v1/realtime (the WebSocket), POST /api/v1/realtime/publish (backends push to
    /// dashboards), GET /api/v1/external-services/realtime-metrics (the cluster's realtime figures).
    func addRealtimeRoutes(to router: inout Router) {
        let origins = Set(configuration.corsOrigins)
        router.webSocket(AuthMiddleware.realtimeRoute, isOriginAllowed: { origin in
            // Tokens, not cookies, authenticate: a foreign page cannot ride a user's session. Still,
            // when origins are configured, browsers from anywhere else are turned away.
            origins.isEmpty || origin.map { origins.contains($0) } ?? true
        }) { [self] _, context in
            let claims = try context.require(.user)
            // The verifier's leeway admits a token a few seconds past `exp`; a socket would be closed
            // at once, and a browser would reconnect with it in a loop: refuse the upgrade instead.
            guard claims.expiresAt > Date() else { throw HTTPError.unauthorized("The token has expired.") }
            return RealtimeSession(hub: realtimeHub, claims: claims, catalog: realtimeRooms, counters: realtimeCounters)
        }

        router.post("/api/v1/realtime/publish") { [self] request, context in
            try context.require(.manager)
            let body = try request.decodeJSON(RealtimePublishRequest.self)
            guard realtimeRooms[body.room] != nil else {
                throw HTTPError.badRequest("Unknown room '\(body.room)'; rooms are \(realtimeRooms.names.joined(separator: ", ")).",
                                           code: "unknown_room", field: "room")
            }
            guard Self.isValidEventName(body.event) else {
                throw HTTPError.badRequest("event must be 1 to 64 characters of letters, digits, '_', '.', ':' or '-'.",
                                           code: "invalid_field", field: "event")
            }
            let data = body.data.text
            guard data.utf8.count <= Self.maxEventDataBytes else {
                throw HTTPError(status: 413, code: "payload_too_large",
                                message: "data must be at most \(Self.maxEventDataBytes) bytes of JSON.", field: "data")
            }
            let priority = body.priority ?? .medium
            let published = try await realtimeHub.publish(room: body.room, event: body.event, priority: priority, data: data)
            return try HTTPResponse.json(RealtimePublishResponse(
                room: body.room, id: published.id.description, event: body.event, priority: priority,
                ts: published.timestampMs))
        }

        router.get("/api/v1/external-services/realtime-metrics") { [self] _, context in
            try context.require(.user)
            let nodes = try await membership.liveNodes()
            var reports = try await realtimeReports.load(nodes.map(\.id).filter { $0 != configuration.nodeID })
            reports.append(currentRealtimeReport(messagesPerSecond: realtimeRate.withLock { $0.lastRate }))
            return try HTTPResponse.json(RealtimeMetricsResponse(reports: reports.sorted { $0.nodeId < $1.nodeId },
                                                                 rooms: realtimeRooms.names, servedBy: configuration.nodeID))
        }
    }

    /// Copies the realtime counters into the Prometheus registry (called when /metrics renders).
    func recordRealtimeMetrics() {
        let statistics = realtimeHub.statistics()
        metrics.set(NodeMetrics.realtimeConnections, to: Double(realtimeCounters.connections.load(ordering: .relaxed)))
        for room in realtimeRooms.names {
            metrics.set(NodeMetrics.realtimeSubscribers, [("room", room)], to: Double(statistics.rooms[room] ?? 0))
        }
        metrics.set(NodeMetrics.realtimePublished, to: Double(statistics.published))
        metrics.set(NodeMetrics.realtimeReceived, to: Double(statistics.received))
        metrics.set(NodeMetrics.realtimeDeliveries, to: Double(statistics.delivered))
        metrics.set(NodeMetrics.realtimeGapFilled, to: Double(statistics.gapFilled))
        metrics.set(NodeMetrics.realtimeDropped, to: Double(realtimeCounters.dropped.load(ordering: .relaxed)))
        metrics.set(NodeMetrics.realtimeSlowClosed, to: Double(realtimeCounters.slowConsumersClosed.load(ordering: .relaxed)))
    }

    static func isValidEventName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x3A || byte == 0x2D
        }
    }

    /// This node's figures now; `messagesPerSecond` comes from the reporting duty's last interval.
    func currentRealtimeReport(messagesPerSecond: Double,
                               statistics: RealtimeHubStatistics? = nil) -> RealtimeNodeReport {
        let statistics = statistics ?? realtimeHub.statistics()
        return RealtimeNodeReport(
            nodeId: configuration.nodeID, connections: realtimeCounters.connections.load(ordering: .relaxed),
            rooms: statistics.rooms, messagesPerSecond: messagesPerSecond, deliveredTotal: statistics.delivered,
            droppedTotal: realtimeCounters.dropped.load(ordering: .relaxed), fanoutP50Ms: statistics.fanoutP50Ms,
            fanoutP99Ms: statistics.fanoutP99Ms, reportedAtMs: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Every report interval: measure the delivery rate and leave this node's figures in Redis.
    func reportRealtimeForever() async {
        let interval = Duration.milliseconds(realtimeReports.ttlMs / 3)
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let statistics = realtimeHub.statistics()
            let delivered = statistics.delivered
            let rate = realtimeRate.withLock { rate -> Double in
                if let previous = rate.previous {
                    let seconds = Double((now - previous.at).components.seconds)
                        + Double((now - previous.at).components.attoseconds) / 1e18
                    rate.lastRate = seconds > 0 ? Double(delivered - previous.delivered) / seconds : 0
                }
                rate.previous = (now, delivered)
                return rate.lastRate
            }
            try? await realtimeReports.save(currentRealtimeReport(messagesPerSecond: rate, statistics: statistics))
            try? await Task.sleep(for: interval)
        }
    }
}

/// The answer to a publish: the event's id (what clients see and send back as `since`) and time.
struct RealtimePublishResponse: Encodable {
    var room: String
    var id: String
    var event: String
    var priority: RealtimePriority
    var ts: Int64
}

/// GET /realtime-metrics: per node, per room across the cluster, and totals.
struct RealtimeMetricsResponse: Encodable {
    struct Node: Encodable {
        var nodeId: String
        var connections: Int
        var rooms: [String: Int]
        var messagesPerSecond: Double
        var deliveredTotal: Int
        var droppedTotal: Int
        var fanoutP50Ms: Double?
        var fanoutP99Ms: Double?
        var reportedAt: String
    }
    struct Room: Encodable {
        var room: String
        var subscribers: Int
    }
    struct Totals: Encodable {
        var connections: Int
        var messagesPerSecond: Double
        var droppedTotal: Int
        /// The worst node's fan-out latency percentiles (percentiles of different nodes do not add up).
        var fanoutP50Ms: Double?
        var fanoutP99Ms: Double?
    }
    var nodes: [Node]
    var rooms: [Room]
    var totals: Totals
    var servedBy: String

    init(reports: [RealtimeNodeReport], rooms names: [String], servedBy: String) {
        nodes = reports.map {
            Node(nodeId: $0.nodeId, connections: $0.connections, rooms: $0.rooms, messagesPerSecond: $0.messagesPerSecond,
                 deliveredTotal: $0.deliveredTotal, droppedTotal: $0.droppedTotal, fanoutP50Ms: $0.fanoutP50Ms,
                 fanoutP99Ms: $0.fanoutP99Ms, reportedAt: NodeApp.rfc3339(ms: $0.reportedAtMs))
        }
        rooms = names.map { name in Room(room: name, subscribers: reports.reduce(0) { $0 + ($1.rooms[name] ?? 0) }) }
        totals = Totals(connections: reports.reduce(0) { $0 + $1.connections },
                        messagesPerSecond: reports.reduce(0) { $0 + $1.messagesPerSecond },
                        droppedTotal: reports.reduce(0) { $0 + $1.droppedTotal },
                        fanoutP50Ms: reports.compactMap(\.fanoutP50Ms).max(),
                        fanoutP99Ms: reports.compactMap(\.fanoutP99Ms).max())
        self.servedBy = servedBy
    }
}
