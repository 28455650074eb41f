import Foundation
import HTTP

extension NodeApp {
    /// / (the dashboard page), /healthz (the process is alive), /readyz (its dependencies answer), /metrics (Prometheus).
    func addOperationsRoutes(to router: inout Router) {
        OpenAPIDocument.load().register(on: &router, logger: logger)  // GET /openapi.json
        // Fixed bytes: load balancers and benchmarks hit this constantly; no encoding on the hot path.
        let healthBody = Array(#"{"status":"ok","nodeId":"\#(configuration.nodeID)"}"#.utf8)
        router.getSync("/healthz") { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: healthBody)
        }
        let page = Array(DashboardPage.html.utf8)
        router.getSync("/") { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
                                                "Content-Security-Policy": "default-src 'self'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"],
                         body: page)
        }
        router.get("/readyz") { [readiness] _, _ in
            let report = await readiness.report()
            var headers: HTTPHeaders = ["Cache-Control": "no-store"]
            if !report.ready { headers.add("Retry-After", "2") }
            return try HTTPResponse.json(report, status: report.ready ? 200 : 503, headers: headers)
        }
        router.getSync("/metrics") { [self] _, _ in
            let connections = serverConnections()
            metrics.set(NodeMetrics.openConnections, to: Double(connections.all))
            metrics.set(NodeMetrics.webSocketConnections, to: Double(connections.webSockets))
            metrics.set(NodeMetrics.startTime, to: startedAt.timeIntervalSince1970.rounded())
            metrics.set(NodeMetrics.redisConnections, to: Double(redis.health.connectedConnections))
            recordRealtimeMetrics()
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                body: Array(metrics.render().utf8))
        }
    }
}
