/// One node's realtime figures as it last published them, so any node can answer for the cluster.
public struct RealtimeNodeReport: Codable, Sendable, Equatable {
    public var nodeId: String
    public var connections: Int
    /// Local subscribers per room.
    public var rooms: [String: Int]
    /// Event deliveries per second to this node's sockets over the last report interval.
    public var messagesPerSecond: Double
    public var deliveredTotal: Int
    public var droppedTotal: Int
    public var fanoutP50Ms: Double?
    public var fanoutP99Ms: Double?
    /// Node clock, Unix ms.
    public var reportedAtMs: Int64

    public init(nodeId: String, connections: Int, rooms: [String: Int], messagesPerSecond: Double, deliveredTotal: Int,
                droppedTotal: Int, fanoutP50Ms: Double?, fanoutP99Ms: Double?, reportedAtMs: Int64) {
        self.nodeId = nodeId
        self.connections = connections
        self.rooms = rooms
        self.messagesPerSecond = messagesPerSecond
        self.deliveredTotal = deliveredTotal
        self.droppedTotal = droppedTotal
        self.fanoutP50Ms = fanoutP50Ms
        self.fanoutP99Ms = fanoutP99Ms
        self.reportedAtMs = reportedAtMs
    }
}
