/// What the server calls for each complete request; a built `Router` is one. Must not throw:
/// errors are turned into responses inside the responder so middleware can decorate them.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
    /// The response if it can be produced without suspending (the server then skips creating a `Task`),
    /// or nil to have `respond(to:)` called. Runs on an event loop: must not block.
    func respondSynchronously(to request: HTTPRequest) -> HTTPResponse?
}

extension HTTPResponder {
    public func respondSynchronously(to request: HTTPRequest) -> HTTPResponse? { nil }
}

/// Adapts a closure into a responder (tests, tiny servers).
public struct ClosureResponder: HTTPResponder {
    let body: @Sendable (HTTPRequest) async -> HTTPResponse
    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) { self.body = body }
    public func respond(to request: HTTPRequest) async -> HTTPResponse { await body(request) }
}
