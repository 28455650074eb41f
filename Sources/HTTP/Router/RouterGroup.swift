/// Routes under one path prefix that share middleware of their own (inside the router's global
/// middleware): the API group authenticates JWTs, the operations group nothing, the webhook group
/// providers' signatures. Which middleware applies is decided by where a route was registered,
/// never by looking at the path at run time.
///
///     var api = RouterGroup("/api/v1", middleware: [JWTAuth(...)])
///     api.get("/items/:id") { request, context in ... }      // GET /api/v1/items/:id, authenticated
///     router.add(api)
public struct RouterGroup: Sendable {
    /// One route waiting to be added to a router.
    struct Entry: Sendable {
        let method: String
        let pattern: String
        let handler: HTTPHandler
        let syncHandler: HTTPSyncHandler?
    }

    /// `/api/v1` (no trailing slash; empty for the root).
    public let prefix: String
    public private(set) var middleware: [any HTTPMiddleware]
    private(set) var entries: [Entry] = []

    public init(_ prefix: String = "", middleware: [any HTTPMiddleware] = []) {
        var prefix = prefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
        self.middleware = middleware
    }

    /// Appends a middleware to this group's chain (inside the ones added before it).
    public mutating func use(_ middleware: any HTTPMiddleware) { self.middleware.append(middleware) }

    /// `pattern` is relative to the prefix (`/items/:id`).
    public mutating func on(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        entries.append(Entry(method: method.uppercased(), pattern: path(pattern), handler: handler, syncHandler: nil))
    }

    /// A route that never suspends (see `Router.onSync`); it stays synchronous if every middleware of
    /// the group is an `HTTPSyncMiddleware`.
    public mutating func onSync(_ method: String, _ pattern: String, _ handler: @escaping HTTPSyncHandler) {
        entries.append(Entry(method: method.uppercased(), pattern: path(pattern),
                             handler: { request, context in try handler(request, context) }, syncHandler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { on("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { on("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { on("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping HTTPHandler) { on("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { on("DELETE", pattern, handler) }
    public mutating func getSync(_ pattern: String, _ handler: @escaping HTTPSyncHandler) { onSync("GET", pattern, handler) }
    public mutating func postSync(_ pattern: String, _ handler: @escaping HTTPSyncHandler) { onSync("POST", pattern, handler) }

    /// A WebSocket endpoint on GET `pattern` (see `Router.webSocket`).
    public mutating func webSocket(_ pattern: String,
                                   isOriginAllowed: @escaping @Sendable (String?) -> Bool = { _ in true },
                                   accept: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> any WebSocketHandler) {
        get(pattern, WebSocketRoute.handler(isOriginAllowed: isOriginAllowed, accept: accept))
    }

    /// The full pattern of a route of this group.
    public func path(_ pattern: String) -> String {
        guard !pattern.isEmpty, pattern != "/" else { return prefix.isEmpty ? "/" : prefix }
        return prefix + (pattern.hasPrefix("/") ? pattern : "/" + pattern)
    }
}

extension Router {
    /// Registers every route of `group`, each wrapped in the group's middleware. An error thrown by a
    /// group middleware becomes a response at its own boundary, as for the router's middleware.
    public mutating func add(_ group: RouterGroup) {
        let chain = group.middleware
        let syncChain = chain.compactMap { $0 as? any HTTPSyncMiddleware }
        let allSync = syncChain.count == chain.count
        let log = errorLog
        for entry in group.entries {
            guard !chain.isEmpty else {
                if let sync = entry.syncHandler { onSync(entry.method, entry.pattern, sync) } else {
                    on(entry.method, entry.pattern, entry.handler)
                }
                continue
            }
            // Methods this path lacks are refused inside the group's middleware too (401 before 405).
            trie.insertFallback(pattern: entry.pattern) { allowed in
                let refuse: HTTPSyncHandler = { _, _ in throw HTTPError.methodNotAllowed(allowed: allowed) }
                let handler: HTTPHandler = { request, context in
                    await GroupPass.run(chain, 0, request, context, { request, context in try refuse(request, context) }, log)
                }
                guard allSync else { return (handler, nil) }
                let sync: HTTPSyncHandler = { request, context in
                    SyncPass(chain: syncChain, endpoint: nil, node: nil, errorLog: log, handler: refuse).run(0, request, context)
                }
                return (handler, sync)
            }
            let handler = entry.handler
            let wrapped: HTTPHandler = { request, context in
                await GroupPass.run(chain, 0, request, context, handler, log)
            }
            if allSync, let sync = entry.syncHandler {
                trie.insert(method: entry.method, pattern: entry.pattern, handler: wrapped, syncHandler: { request, context in
                    SyncPass(chain: syncChain, endpoint: nil, node: nil, errorLog: log, handler: sync).run(0, request, context)
                })
                hasSyncRoutes = true
            } else {
                on(entry.method, entry.pattern, wrapped)
            }
        }
    }
}

/// Runs a group's middleware around its handler, turning errors into responses at each boundary.
enum GroupPass {
    static func run(_ chain: [any HTTPMiddleware], _ index: Int, _ request: HTTPRequest, _ context: RequestContext,
                    _ handler: @escaping HTTPHandler, _ errorLog: @escaping @Sendable (String) -> Void) async -> HTTPResponse {
        do {
            guard index < chain.count else { return try await handler(request, context) }
            let next = HTTPNext { request, context in await run(chain, index + 1, request, context, handler, errorLog) }
            return try await chain[index].handle(request, context: context, next: next)
        } catch {
            return RouterResponder.errorResponse(error, context: context, request: request, errorLog: errorLog)
        }
    }
}
