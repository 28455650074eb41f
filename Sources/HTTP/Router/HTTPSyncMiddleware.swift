/// A middleware that can also run without suspending: when every middleware of a router is one and the
/// route is synchronous, the server answers on the loop without creating a `Task`. `handle` (the async
/// form) is still used whenever any part of the chain is async. Must not block.
public protocol HTTPSyncMiddleware: HTTPMiddleware {
    func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse
}

/// The rest of a synchronous chain; never throws (errors are already responses). Meant for the
/// `handleSync` call it is passed to: do not store it.
public struct HTTPSyncNext {
    let pass: SyncPass
    let index: Int

    public func callAsFunction(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        pass.run(index, request, context)
    }
}
