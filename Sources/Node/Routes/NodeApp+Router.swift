import HTTP

extension NodeApp {
    /// The node's routes and middleware, outermost first: request id, access log, metrics, node id,
    /// CORS, authentication. Errors thrown inside become responses that the outer layers decorate.
    /// Every middleware is synchronous-capable, so sync routes (`/healthz`) are answered on the loop.
    func makeRouter() -> Router {
        var router = Router()
        router.use(RequestIDMiddleware())
        if configuration.accessLog { router.use(AccessLogMiddleware()) }
        let requestMetrics = HTTPRequestMetrics(registry: metrics)
        router.use(MetricsMiddleware { observation in requestMetrics.record(observation) })
        router.use(ResponseHeaderMiddleware(name: "X-Coordinator-Node", value: configuration.nodeID))
        if !configuration.corsOrigins.isEmpty {
            router.use(CORSMiddleware(allowedOrigins: configuration.corsOrigins))
        }
        router.use(AuthMiddleware(verifier: verifier))
        addOperationsRoutes(to: &router)
        addStatusRoutes(to: &router)
        addRealtimeRoutes(to: &router)
        return router
    }
}
