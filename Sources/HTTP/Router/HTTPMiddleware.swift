/// A step around the handler: may inspect or change the request and context, short-circuit with a
/// response, or decorate the response of `next`. Errors it throws become responses at its own
/// boundary, so outer middleware still sees (and decorates) them.
public protocol HTTPMiddleware: Sendable {
    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse
}

/// The rest of the chain after a middleware; never throws (errors are already responses).
public struct HTTPNext: Sendable {
    let run: @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse

    public func callAsFunction(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        await run(request, context)
    }
}

/// A middleware from a closure, for small one-off steps.
public struct ClosureMiddleware: HTTPMiddleware {
    let body: @Sendable (HTTPRequest, RequestContext, HTTPNext) async throws -> HTTPResponse
    public init(_ body: @escaping @Sendable (HTTPRequest, RequestContext, HTTPNext) async throws -> HTTPResponse) {
        self.body = body
    }
    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        try await body(request, context, next)
    }
}

/// What a route runs.
public typealias HTTPHandler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

/// What a synchronous route runs: no suspension points, so the server can call it on the loop's thread
/// without creating a `Task`. Must not block (it runs on an event loop).
public typealias HTTPSyncHandler = @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse
