/// CORS for configured origins: answers preflights (OPTIONS + Access-Control-Request-Method) with 204
/// and decorates other responses; unknown origins get no CORS headers (the browser then refuses).
public struct CORSMiddleware: HTTPSyncMiddleware {
    /// What cross-origin callers may do.
    public struct Configuration: Sendable {
        /// Exact origins (`https://dash.example.com`); `*` allows any origin (without credentials).
        public var allowedOrigins: [String]
        public var allowedMethods: [String] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        public var allowedHeaders: [String] = ["Authorization", "Content-Type", "X-Request-Id", "Idempotency-Key"]
        public var exposedHeaders: [String] = ["X-Request-Id", "Retry-After"]
        /// How long browsers may cache a preflight answer: 10 minutes saves round trips.
        public var maxAgeSeconds: Int = 600
        public var allowCredentials: Bool = false

        public init(allowedOrigins: [String]) { self.allowedOrigins = allowedOrigins }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }
    public init(allowedOrigins: [String]) { self.configuration = Configuration(allowedOrigins: allowedOrigins) }

    func isAllowed(_ origin: String) -> Bool {
        configuration.allowedOrigins.contains("*") || configuration.allowedOrigins.contains(origin)
    }

    /// What a request needs, decided before `next` runs: the same decision on both paths.
    enum Plan {
        /// Not a cross-origin request: the response passes untouched.
        case pass
        /// An origin we do not allow: no CORS headers, but caches must key on Origin.
        case varyOnly
        /// A preflight we answer ourselves, without running the rest of the chain.
        case answer(HTTPResponse)
        /// An allowed origin: decorate the response of `next`.
        case decorate(origin: String)
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        let plan = plan(request)
        if case .answer(let response) = plan { return response }
        return finish(plan, await next(request, context))
    }

    public func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        let plan = plan(request)
        if case .answer(let response) = plan { return response }
        return finish(plan, next(request, context))
    }

    func plan(_ request: HTTPRequest) -> Plan {
        guard let origin = request.headers["origin"] else { return .pass }
        guard isAllowed(origin) else { return .varyOnly }
        if request.method == "OPTIONS", request.headers.contains("access-control-request-method") {
            var response = HTTPResponse(status: 204)
            decorate(&response, origin: origin)
            response.headers.add("Access-Control-Allow-Methods", configuration.allowedMethods.joined(separator: ", "))
            response.headers.add("Access-Control-Allow-Headers", configuration.allowedHeaders.joined(separator: ", "))
            response.headers.add("Access-Control-Max-Age", String(configuration.maxAgeSeconds))
            return .answer(response)
        }
        return .decorate(origin: origin)
    }

    /// Consuming, so the header array is mutated in place rather than copied.
    func finish(_ plan: Plan, _ response: consuming HTTPResponse) -> HTTPResponse {
        switch plan {
        case .pass, .answer:
            break
        case .varyOnly:
            response.headers.add("Vary", "Origin")
        case .decorate(let origin):
            decorate(&response, origin: origin)
            if !configuration.exposedHeaders.isEmpty {
                response.headers.add("Access-Control-Expose-Headers", configuration.exposedHeaders.joined(separator: ", "))
            }
        }
        return response
    }

    private func decorate(_ response: inout HTTPResponse, origin: String) {
        let wildcard = configuration.allowedOrigins.contains("*") && !configuration.allowCredentials
        response.headers.replaceOrAdd("Access-Control-Allow-Origin", wildcard ? "*" : origin)
        if configuration.allowCredentials { response.headers.add("Access-Control-Allow-Credentials", "true") }
        response.headers.add("Vary", "Origin")
    }
}
