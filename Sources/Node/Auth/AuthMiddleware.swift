import Auth
import Foundation
import HTTP

/// Verifies the bearer JWT of every route in its group, refuses roles below the group's minimum, and
/// puts the typed principal in the request context. Routes that need more than the minimum state it
/// with `context.require(_:)`. It applies to whatever group it is installed on: it never looks at the
/// path (the webhook and operations groups simply do not have it).
struct AuthMiddleware: HTTPSyncMiddleware {
    let verifier: JWTVerifier
    let minimum: Role
    /// Browsers cannot set headers on a WebSocket handshake: they send `?access_token=` instead. Only
    /// the group holding WebSocket endpoints accepts it, and only on a handshake; anywhere else a token
    /// in the URL would end up in proxy logs and browser history, so it is refused.
    let acceptsQueryTokenOnHandshake: Bool

    init(verifier: JWTVerifier, minimum: Role = .user, acceptsQueryTokenOnHandshake: Bool = false) {
        self.verifier = verifier
        self.minimum = minimum
        self.acceptsQueryTokenOnHandshake = acceptsQueryTokenOnHandshake
    }

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        var context = context
        context.principal = try authenticate(request)
        return await next(request, context)
    }

    func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        var context = context
        context.principal = try authenticate(request)
        return next(request, context)
    }

    /// The verified caller, or the 401/403 to answer; the same decision on both paths.
    func authenticate(_ request: HTTPRequest) throws(HTTPError) -> Principal {
        let header = request.headers["authorization"]
        let isHandshake = acceptsQueryTokenOnHandshake && request.headers["upgrade"]?.lowercased() == "websocket"
        let fromQuery = header == nil && isHandshake ? request.query["access_token"] : nil
        let claims: JWTClaims
        do throws(AuthError) {
            if let token = fromQuery {
                claims = try verifier.verify(token, now: Date())
            } else {
                claims = try verifier.verify(authorizationHeader: header, now: Date())
            }
            try claims.require(minimum)
        } catch {
            throw Self.httpError(error)
        }
        return .bearer(claims)
    }

    /// AuthError to the API's error format: 401 with `WWW-Authenticate`, 403 for a role too low.
    static func httpError(_ error: AuthError) -> HTTPError {
        let status = error.httpStatus
        var headers: HTTPHeaders = [:]
        if status == 401 { headers.add("WWW-Authenticate", error.wwwAuthenticate ?? "Bearer") }
        let code = status == 403 ? "forbidden" : (status == 401 ? "unauthorized" : "internal_error")
        return HTTPError(status: status, code: code, message: status == 500 ? "Internal server error." : error.message,
                         headers: headers, logDetail: status == 500 ? error.message : nil)
    }
}
