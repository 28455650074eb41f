/// WebSocket routes: the handshake is validated here, inside the router, so middleware (auth, request
/// id, logs) applies to upgrades like to any request, and refusals are ordinary JSON errors.
extension Router {
    /// Registers a WebSocket endpoint on GET `pattern`. `isOriginAllowed` sees the `Origin` header (nil
    /// for non-browser clients; refusing gives 403). `accept` may throw an `HTTPError` to refuse
    /// (e.g. 401) or returns the handler that will own the connection.
    public mutating func webSocket(_ pattern: String,
                                   isOriginAllowed: @escaping @Sendable (String?) -> Bool = { _ in true },
                                   accept: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> any WebSocketHandler) {
        get(pattern, WebSocketRoute.handler(isOriginAllowed: isOriginAllowed, accept: accept))
    }
}

/// The GET handler of a WebSocket endpoint, shared by `Router` and `RouterGroup`.
enum WebSocketRoute {
    static func handler(isOriginAllowed: @escaping @Sendable (String?) -> Bool,
                        accept: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> any WebSocketHandler)
        -> HTTPHandler {
        return { request, context in
            let accepted: WebSocketHandshake.Accepted
            do throws(WebSocketError) {
                accepted = try WebSocketHandshake.validate(
                    method: request.method, httpVersion: request.head.version.description,
                    headers: request.headers.map { (name: $0.name, value: $0.value) }, isOriginAllowed: isOriginAllowed)
            } catch {
                var headers = HTTPHeaders()
                for (name, value) in error.responseHeaders { headers.add(name, value) }
                throw HTTPError(status: error.httpStatus, code: error.code.rawValue, message: error.message, headers: headers)
            }
            let handler = try await accept(request, context)
            var response = HTTPResponse(status: 101)
            for (name, value) in accepted.headers { response.headers.add(name, value) }
            response.webSocket = WebSocketUpgrade(handler: handler)
            return response
        }
    }
}
