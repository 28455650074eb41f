import Logging
/// The immutable result of `Router.build()`: resolves the route, runs the middleware chain and turns
/// every thrown error into a JSON response at the boundary where it was thrown.
public struct RouterResponder: HTTPResponder {
    let root: RouteTrie.Node
    /// Routes without parameters by exact path: most requests resolve with one lookup.
    let literalPaths: [String: RouteTrie.Node]
    let middleware: [any HTTPMiddleware]

    /// Whether any route was registered with `onSync`; without one the sync path is skipped at once.
    let hasSyncRoutes: Bool
    /// The middleware as synchronous ones, or nil when any of them is async (the sync path is then off).
    let syncMiddleware: [any HTTPSyncMiddleware]?
    let errorLog: @Sendable (String) -> Void

    /// The route for `request` (nil: 404/405), its node (nil: 404) and the context with its parameters.
    private func resolve(_ request: HTTPRequest) -> (RouteTrie.Route?, RouteTrie.Node?, RequestContext) {
        var context = RequestContext(requestID: RequestID.resolve(request.headers["x-request-id"]))
        let path = request.routingPath
        let match = RouteTrie.literalMatch(path, in: literalPaths).map { (node: $0, values: [Substring]()) }
            ?? RouteTrie.match(path, in: root)
        var endpoint: RouteTrie.Route?
        if let match {
            endpoint = match.node.routes[request.method]
            if endpoint == nil && request.method == "HEAD" { endpoint = match.node.routes["GET"] }
            // A method the path lacks, on a group's path: through the group's middleware, then 405.
            // Not for OPTIONS: a CORS preflight never carries credentials.
            if endpoint == nil && request.method != "OPTIONS" { endpoint = match.node.fallback }
            if let route = endpoint ?? match.node.routes.values.first {
                context.routePattern = route.pattern
                for (name, value) in zip(route.parameterNames, match.values) {
                    context.pathParameters[name] = PercentDecoding.decode(value)
                }
            }
        }
        return (endpoint, match?.node, context)
    }

    init(root: RouteTrie.Node, middleware: [any HTTPMiddleware], hasSyncRoutes: Bool,
         errorLog: @escaping @Sendable (String) -> Void) {
        self.root = root
        literalPaths = RouteTrie.literalPaths(root)
        self.middleware = middleware
        self.hasSyncRoutes = hasSyncRoutes
        let sync = middleware.compactMap { $0 as? any HTTPSyncMiddleware }
        self.syncMiddleware = sync.count == middleware.count ? sync : nil
        self.errorLog = errorLog
    }

    /// Answers without suspending when every middleware is synchronous and the route is too (or absent:
    /// 404/405); errors become the same JSON responses, at the same boundaries, as on the async path.
    public func respondSynchronously(to request: HTTPRequest) -> HTTPResponse? {
        guard hasSyncRoutes, let syncMiddleware else { return nil }
        let (endpoint, node, context) = resolve(request)
        if node != nil, let endpoint, endpoint.syncHandler == nil { return nil }
        return SyncPass(chain: syncMiddleware, endpoint: endpoint, node: node, errorLog: errorLog)
            .run(0, request, context)
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let (endpoint, node, context) = resolve(request)
        // Without middleware the endpoint runs directly: no per-request closure context to allocate.
        guard !middleware.isEmpty else {
            do {
                return try await Self.callEndpoint(endpoint, node, request, context)
            } catch {
                return errorResponse(error, context: context, request: request)
            }
        }
        let innermost: HTTPHandler = { [endpoint, node] request, context in
            try await Self.callEndpoint(endpoint, node, request, context)
        }
        return await run(0, request, context, innermost)
    }

    /// The route's handler, or 404 (no node) / 405 (node without this method).
    private static func callEndpoint(_ endpoint: RouteTrie.Route?, _ node: RouteTrie.Node?,
                                     _ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        guard let node else { throw HTTPError.notFound("No route for this path.") }
        guard let endpoint else { throw HTTPError.methodNotAllowed(allowed: allowed(node)) }
        return try await endpoint.handler(request, context)
    }

    /// The `Allow` list of a path: its methods, plus HEAD where GET exists.
    static func allowed(_ node: RouteTrie.Node) -> [String] { RouteTrie.allowed(node.routes.keys) }

    private func run(_ index: Int, _ request: HTTPRequest, _ context: RequestContext,
                     _ innermost: @escaping HTTPHandler) async -> HTTPResponse {
        do {
            guard index < middleware.count else { return try await innermost(request, context) }
            let next = HTTPNext { request, context in await run(index + 1, request, context, innermost) }
            return try await middleware[index].handle(request, context: context, next: next)
        } catch {
            return errorResponse(error, context: context, request: request)
        }
    }

    func errorResponse(_ error: any Error, context: RequestContext, request: HTTPRequest) -> HTTPResponse {
        Self.errorResponse(error, context: context, request: request, errorLog: errorLog)
    }

    /// The one place errors become HTTP responses; unknown errors are logged and answered generically.
    static func errorResponse(_ error: any Error, context: RequestContext, request: HTTPRequest,
                              errorLog: @Sendable (String) -> Void) -> HTTPResponse {
        var httpError: HTTPError
        if let known = error as? HTTPError {
            httpError = known
        } else if let convertible = error as? any HTTPErrorConvertible {
            httpError = convertible.httpError
        } else if let parse = error as? HTTPParseError {
            httpError = HTTPError(status: parse.status, code: parse.code.rawValue, message: "The request is malformed.")
        } else {
            httpError = .internalError
            httpError.logDetail = String(describing: error)
        }
        if let detail = httpError.logDetail {
            errorLog(LogLine.json([("level", .string("error")), ("msg", .string("request failed")),
                                   ("requestId", .string(context.requestID)), ("method", .string(request.method)),
                                   ("route", .string(context.routePattern ?? "unmatched")),
                                   ("status", .int(httpError.status)), ("detail", .string(detail))]))
        }
        return ErrorBody.response(httpError, requestID: context.requestID)
    }
}
