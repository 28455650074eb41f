/// One request's trip through the synchronous chain: the middleware, the resolved route and where
/// errors are logged. `HTTPSyncNext` points at it with the index of the next middleware, so a request
/// allocates this one object rather than a closure context per middleware level.
final class SyncPass {
    let chain: [any HTTPSyncMiddleware]
    /// The matched route (nil: 404 or 405) and its trie node (nil: 404).
    let endpoint: RouteTrie.Route?
    let node: RouteTrie.Node?
    let errorLog: @Sendable (String) -> Void
    /// For a group's chain: the route's own handler, run past the last middleware (instead of
    /// resolving `endpoint`).
    let handler: HTTPSyncHandler?

    init(chain: [any HTTPSyncMiddleware], endpoint: RouteTrie.Route?, node: RouteTrie.Node?,
         errorLog: @escaping @Sendable (String) -> Void, handler: HTTPSyncHandler? = nil) {
        self.chain = chain
        self.endpoint = endpoint
        self.node = node
        self.errorLog = errorLog
        self.handler = handler
    }

    /// Middleware `index` (or the route past the last one); what it throws becomes a response here, at
    /// its own boundary, so the middleware outside it still decorate the error.
    func run(_ index: Int, _ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        do {
            guard index < chain.count else { return try callEndpoint(request, context) }
            return try chain[index].handleSync(request, context: context, next: HTTPSyncNext(pass: self, index: index + 1))
        } catch {
            return RouterResponder.errorResponse(error, context: context, request: request, errorLog: errorLog)
        }
    }

    private func callEndpoint(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        if let handler { return try handler(request, context) }
        guard let node else { throw HTTPError.notFound("No route for this path.") }
        guard let handler = endpoint?.syncHandler else {
            throw HTTPError.methodNotAllowed(allowed: RouterResponder.allowed(node))
        }
        return try handler(request, context)
    }
}
