import Logging
/// Collects routes and middleware, then `build()`s an immutable responder.
///
///     var router = Router()
///     router.use(RequestIDMiddleware())                        // outermost
///     router.use(AccessLogMiddleware())
///     router.use(MetricsMiddleware { observation in ... })
///     router.use(CORSMiddleware(allowedOrigins: ["https://dash.example.com"]))
///     router.get("/api/v1/items/:id") { request, context in
///         .text(try context.parameter("id"))
///     }
///     router.post("/api/v1/items") { request, context in
///         let body = try request.decodeJSON(NewItem.self)     // 400 naming the field on bad input
///         return try .json(Created(id: body.name), status: 201)
///     }
///     router.webSocket("/api/v1/realtime") { request, context in MyHandler() }
///
/// Middleware run in the order they were added, the first added being the outermost. Unknown paths are
/// 404, known paths with another method 405 with `Allow`; HEAD falls back to GET.
public struct Router: Sendable {
    var trie = RouteTrie()
    var middleware: [any HTTPMiddleware] = []
    var hasSyncRoutes = false
    /// Where unexpected errors are logged (the client only sees a generic 500); by default through the
    /// non-blocking stderr writer, so a stalled log reader cannot stall request handling.
    public var errorLog: @Sendable (String) -> Void = { line in LogWriter.standardError.write(line) }

    public init() {}

    /// Registers `handler` for `method` on `pattern` (`/items/:id`); a later registration of the same
    /// method and pattern replaces the earlier one.
    public mutating func on(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        trie.insert(method: method.uppercased(), pattern: pattern, handler: handler)
    }

    /// Registers a synchronous `handler` (a separate name, not a `sync:` label: a trailing closure would
    /// match such a label and silently turn every non-suspending route into a sync one). While the router has no middleware, such a route (and any
    /// 404/405) is answered on the loop's thread without a `Task`; with middleware it runs inside the
    /// usual async chain. It must not block: it runs on an event loop.
    public mutating func onSync(_ method: String, _ pattern: String, _ handler: @escaping HTTPSyncHandler) {
        trie.insert(method: method.uppercased(), pattern: pattern,
                    handler: { request, context in try handler(request, context) }, syncHandler: handler)
        hasSyncRoutes = true
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { on("GET", pattern, handler) }
    public mutating func getSync(_ pattern: String, _ handler: @escaping HTTPSyncHandler) {
        onSync("GET", pattern, handler)
    }
    public mutating func postSync(_ pattern: String, _ handler: @escaping HTTPSyncHandler) {
        onSync("POST", pattern, handler)
    }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { on("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { on("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping HTTPHandler) { on("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { on("DELETE", pattern, handler) }

    /// Appends a middleware (inside the ones added before it).
    public mutating func use(_ middleware: any HTTPMiddleware) { self.middleware.append(middleware) }

    public func build() -> RouterResponder {
        RouterResponder(root: RouteTrie.Node(trie.root), middleware: middleware, hasSyncRoutes: hasSyncRoutes, errorLog: errorLog)
    }
}
