/// Reports each request's route pattern, status and duration to a hook (the node feeds Prometheus).
/// Route patterns, not raw paths, keep the label set bounded.
public struct MetricsMiddleware: HTTPSyncMiddleware {
    /// One observation.
    public struct Observation: Sendable, Equatable {
        public var method: String
        /// The matched pattern, or "unmatched".
        public var route: String
        public var status: Int
        public var duration: Duration

        public init(method: String, route: String, status: Int, duration: Duration) {
            self.method = method
            self.route = route
            self.status = status
            self.duration = duration
        }
    }

    let record: @Sendable (Observation) -> Void

    public init(record: @escaping @Sendable (Observation) -> Void) { self.record = record }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        let response = await next(request, context)
        observe(request, context, response)
        return response
    }

    public func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        let response = next(request, context)
        observe(request, context, response)
        return response
    }

    private func observe(_ request: HTTPRequest, _ context: RequestContext, _ response: HTTPResponse) {
        record(Observation(method: request.method, route: context.routePattern ?? "unmatched",
                           status: response.status, duration: context.elapsed))
    }
}
