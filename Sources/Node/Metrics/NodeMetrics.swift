/// The names of the node's own metric families, declared once so a typo cannot invent a series.
enum NodeMetrics {
    static let requests = "coordinator_http_requests_total"
    static let requestDuration = "coordinator_http_request_duration_seconds"
    static let openConnections = "coordinator_open_connections"
    static let webSocketConnections = "coordinator_websocket_connections"
    static let startTime = "coordinator_start_time_seconds"
    static let redisConnections = "coordinator_redis_connections_ready"
    static let realtimeConnections = "coordinator_realtime_connections"
    static let realtimeSubscribers = "coordinator_realtime_room_subscribers"
    static let realtimePublished = "coordinator_realtime_events_published_total"
    static let realtimeReceived = "coordinator_realtime_events_received_total"
    static let realtimeDeliveries = "coordinator_realtime_deliveries_total"
    static let realtimeDropped = "coordinator_realtime_dropped_total"
    static let realtimeGapFilled = "coordinator_realtime_gap_filled_total"
    static let realtimeSlowClosed = "coordinator_realtime_slow_consumers_closed_total"

    /// Methods kept as a label value; any other token a client sends counts as "other", so clients
    /// cannot grow the series set.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    static func describe(in metrics: MetricsRegistry) {
        metrics.describe(requests, .counter, help: "HTTP requests by method, route pattern and status.")
        metrics.describe(requestDuration, .histogram, help: "HTTP request latency in seconds by route pattern.")
        metrics.describe(openConnections, .gauge, help: "Open client connections (HTTP and WebSocket).")
        metrics.describe(webSocketConnections, .gauge, help: "Open WebSocket connections.")
        metrics.describe(startTime, .gauge, help: "Unix time the node started, in seconds.")
        metrics.describe(redisConnections, .gauge, help: "Redis connections that are up and authenticated.")
        metrics.describe(realtimeConnections, .gauge, help: "Open realtime WebSocket sessions on this node.")
        metrics.describe(realtimeSubscribers, .gauge, help: "Realtime subscribers on this node by room.")
        metrics.describe(realtimePublished, .counter, help: "Realtime events published through this node.")
        metrics.describe(realtimeReceived, .counter, help: "Realtime events this node received from Redis pub/sub.")
        metrics.describe(realtimeDeliveries, .counter, help: "Realtime events handed to this node's sessions.")
        metrics.describe(realtimeDropped, .counter, help: "Realtime events shed under back-pressure (slow readers).")
        metrics.describe(realtimeGapFilled, .counter, help: "Realtime events replayed from history after a pub/sub gap.")
        metrics.describe(realtimeSlowClosed, .counter, help: "Realtime sockets closed because even critical events could not be queued.")
    }
}
