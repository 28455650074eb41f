import Coordination

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
                 fanoutP99Ms: $0.fanoutP99Ms, reportedAt: StatusController.rfc3339(ms: $0.reportedAtMs))
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
