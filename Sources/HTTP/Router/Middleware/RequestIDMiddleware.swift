/// Echoes the request id (from a sane `X-Request-Id` or generated) on every response, errors included.
public struct RequestIDMiddleware: HTTPMiddleware {
    public init() {}

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        var response = await next(request, context)
        response.headers.replaceOrAdd("X-Request-Id", context.requestID)
        return response
    }
}
