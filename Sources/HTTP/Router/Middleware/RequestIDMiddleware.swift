/// Echoes the request id (from a sane `X-Request-Id` or generated) on every response, errors included.
public struct RequestIDMiddleware: HTTPSyncMiddleware {
    public init() {}

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        Self.decorate(await next(request, context), context)
    }

    public func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        Self.decorate(next(request, context), context)
    }

    /// Takes the response by value (consuming): its header array stays uniquely referenced, so adding
    /// the header does not copy the array on every request.
    private static func decorate(_ response: consuming HTTPResponse, _ context: RequestContext) -> HTTPResponse {
        response.headers.replaceOrAdd("X-Request-Id", context.requestID)
        return response
    }
}
