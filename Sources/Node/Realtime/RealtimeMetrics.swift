/// The realtime feature's metric families, declared once so a typo cannot invent a series.
enum RealtimeMetrics {
    static let connections = "coordinator_realtime_connections"
    static let subscribers = "coordinator_realtime_room_subscribers"
    static let published = "coordinator_realtime_events_published_total"
    static let received = "coordinator_realtime_events_received_total"
    static let deliveries = "coordinator_realtime_deliveries_total"
    static let dropped = "coordinator_realtime_dropped_total"
    static let gapFilled = "coordinator_realtime_gap_filled_total"
    static let slowClosed = "coordinator_realtime_slow_consumers_closed_total"

    static func describe(in metrics: MetricsRegistry) {
        metrics.describe(connections, .gauge, help: "Open realtime WebSocket sessions on this node.")
        metrics.describe(subscribers, .gauge, help: "Realtime subscribers on this node by room.")
        metrics.describe(published, .counter, help: "Realtime events published through this node.")
        metrics.describe(received, .counter, help: "Realtime events this node received from Redis pub/sub.")
        metrics.describe(deliveries, .counter, help: "Realtime events handed to this node's sessions.")
        metrics.describe(dropped, .counter, help: "Realtime events shed under back-pressure (slow readers).")
        metrics.describe(gapFilled, .counter, help: "Realtime events replayed from history after a pub/sub gap.")
        metrics.describe(slowClosed, .counter, help: "Realtime sockets closed because even critical events could not be queued.")
    }
}
