/// The names of the node's own metric families (HTTP and process; features declare their own), declared once so a typo cannot invent a series.
enum NodeMetrics {
    static let requests = "coordinator_http_requests_total"
    static let requestDuration = "coordinator_http_request_duration_seconds"
    static let openConnections = "coordinator_open_connections"
    static let webSocketConnections = "coordinator_websocket_connections"
    static let startTime = "coordinator_start_time_seconds"
    static let redisConnections = "coordinator_redis_connections_ready"

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
    }
}
