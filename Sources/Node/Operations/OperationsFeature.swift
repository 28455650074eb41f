import Foundation
import HTTP
import Logging

/// `/healthz` (the process is alive), `/readyz` (every feature's checks pass), `/metrics`
/// (Prometheus, with every feature's figures), `/openapi.json` (the contract): no authentication,
/// for load balancers, scrapers and client generators.
struct OperationsFeature: NodeFeature {
    let name = "operations"
    let nodeID: String
    let readiness: Readiness
    let metrics: MetricsRegistry
    let startedAt: Date
    let redisConnections: @Sendable () -> Int
    let serverConnections: @Sendable () -> (all: Int, webSockets: Int)
    /// Copies every other feature's figures into the registry.
    let collect: @Sendable (MetricsRegistry) -> Void
    /// The contract of every route, served at /openapi.json.
    let openAPI: OpenAPIDocument
    let logger: Logger

    init(_ services: NodeServices, readiness: Readiness,
         serverConnections: @escaping @Sendable () -> (all: Int, webSockets: Int),
         collect: @escaping @Sendable (MetricsRegistry) -> Void) {
        nodeID = services.configuration.nodeID
        self.readiness = readiness
        metrics = services.metrics
        startedAt = services.startedAt
        let redis = services.redis
        redisConnections = { redis.health.connectedConnections }
        self.serverConnections = serverConnections
        self.collect = collect
        openAPI = OpenAPIDocument.load()
        logger = services.logger
    }

    func addRoutes(to routes: inout NodeRoutes) {
        openAPI.register(on: &routes.operations, logger: logger)
        // Fixed bytes: load balancers and benchmarks hit this constantly; no encoding on the hot path.
        let healthBody = Array(#"{"status":"ok","nodeId":"\#(nodeID)"}"#.utf8)
        routes.operations.getSync("/healthz") { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: healthBody)
        }
        routes.operations.get("/readyz") { [readiness] _, _ in
            let report = await readiness.report()
            var headers: HTTPHeaders = ["Cache-Control": "no-store"]
            if !report.ready { headers.add("Retry-After", "2") }
            return try HTTPResponse.json(report, status: report.ready ? 200 : 503, headers: headers)
        }
        routes.operations.getSync("/metrics") { [self] _, _ in
            collectMetrics(into: metrics)
            collect(metrics)
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                body: Array(metrics.render().utf8))
        }
    }

    func collectMetrics(into metrics: MetricsRegistry) {
        let connections = serverConnections()
        metrics.set(NodeMetrics.openConnections, to: Double(connections.all))
        metrics.set(NodeMetrics.webSocketConnections, to: Double(connections.webSockets))
        metrics.set(NodeMetrics.startTime, to: startedAt.timeIntervalSince1970.rounded())
        metrics.set(NodeMetrics.redisConnections, to: Double(redisConnections()))
    }
}
