/// Sets one fixed header on every response, errors included (e.g. which node answered, behind a
/// load balancer); synchronous, so it keeps a synchronous route off the `Task` path.
public struct ResponseHeaderMiddleware: HTTPSyncMiddleware {
    public let name: String
    public let value: String

    /// Replaces any header of the same name the handler set.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        decorate(await next(request, context))
    }

    public func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        decorate(next(request, context))
    }

    /// Consuming, so the header array is mutated in place rather than copied.
    private func decorate(_ response: consuming HTTPResponse) -> HTTPResponse {
        response.headers.replaceOrAdd(name, value)
        return response
    }
}
