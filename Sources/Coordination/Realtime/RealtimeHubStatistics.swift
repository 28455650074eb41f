/// This node's realtime counters, as `/realtime-metrics` and `/metrics` report them.
public struct RealtimeHubStatistics: Sendable, Codable, Equatable {
    /// Local subscribers per room.
    public var rooms: [String: Int]
    /// Events this node published.
    public var published: Int
    /// Events received from Redis pub/sub (once per node, whatever the number of subscribers).
    public var received: Int
    /// Event deliveries to local subscribers (received x subscribers).
    public var delivered: Int
    /// Events fetched from history to fill a pub/sub gap after a Redis reconnect.
    public var gapFilled: Int
    /// Publish-to-node latency of recent events (ms, cluster clock to node clock).
    public var fanoutP50Ms: Double?
    public var fanoutP99Ms: Double?
}
