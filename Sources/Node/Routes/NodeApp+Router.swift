import HTTP

extension NodeApp {
    /// The node's routes and middleware, outermost first: request id, access log, metrics, node id,
    /// CORS, authentication. Errors thrown inside become responses that the outer layers decorate.
    func makeRouter() -> Router {
        var router = Router()
        router.use(RequestIDMiddleware())
        router.use(AccessLogMiddleware())
        router.use(MetricsMiddleware { [metrics] observation in
            let seconds = Double(observation.duration.components.seconds) + Double(observation.duration.components.attoseconds) / 1e18
            let method = NodeMetrics.knownMethods.contains(observation.method) ? observation.method : "other"
            metrics.increment(NodeMetrics.requests, [("method", method), ("route", observation.route),
                                                     ("status", String(observation.status))])
            metrics.observe(NodeMetrics.requestDuration, [("route", observation.route)], seconds)
        })
        router.use(ClosureMiddleware { [nodeID = configuration.nodeID] request, context, next in
            var response = await next(request, context)
            response.headers.replaceOrAdd("X-Coordinator-Node", nodeID)
            return response
        })
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
