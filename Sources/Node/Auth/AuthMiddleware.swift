import Auth
import Foundation
import HTTP

/// Verifies the bearer JWT on every `/api/v1` route except the provider webhooks (which carry the
/// provider's signature instead) and puts the claims in the request context. Roles are checked per
/// route with `context.require(_:)`, so a route states its own minimum.
struct AuthMiddleware: HTTPSyncMiddleware {
    let verifier: JWTVerifier

    /// The WebSocket endpoint: the only route that may take the token from the query string.
    static let realtimeRoute = "/api/v1/realtime"

    /// Route patterns under /api/v1 that do not take a JWT (providers sign webhooks instead).
    static func isPublic(_ route: String) -> Bool {
        route.hasPrefix("/api/v1/external-services/webhook/")
    }

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        guard let claims = try claims(request, context) else { return await next(request, context) }
        var context = context
        context.principal = claims
        return await next(request, context)
    }

    func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        guard let claims = try claims(request, context) else { return next(request, context) }
        var context = context
        context.principal = claims
        return next(request, context)
    }

    /// The verified claims when the route needs them (nil: a route without JWT, passed on untouched), or
    /// the 401/403 to answer; the same decision on both paths.
    /// Decided on the matched route pattern, not the raw path: the router ignores empty segments, so
    /// `//api/v1/...` reaches the same handler and must not slip past a prefix check.
    func claims(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> JWTClaims? {
        guard let route = context.routePattern, route.hasPrefix("/api/v1/"), !Self.isPublic(route),
              request.method != "OPTIONS" else {
            return nil
        }
        // Browsers cannot set headers on a WebSocket handshake: they send ?access_token= instead.
        // Anywhere else a token in the URL would end up in proxy logs and browser history: refused.
        let header = request.headers["authorization"]
        let isHandshake = route == Self.realtimeRoute && request.headers["upgrade"]?.lowercased() == "websocket"
        let fromQuery = header == nil && isHandshake ? request.query["access_token"] : nil
        do {
            if let token = fromQuery { return try verifier.verify(token, now: Date()) }
            return try verifier.verify(authorizationHeader: header, now: Date())
        } catch {
            throw Self.httpError(error)
        }
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

extension RequestContext {
    /// The caller's verified claims; throws 401 if the route was reached without authentication.
    func claims() throws(HTTPError) -> JWTClaims {
        guard let claims = principal(as: JWTClaims.self) else { throw HTTPError.unauthorized() }
        return claims
    }

    /// Throws 403 unless the caller's role is at least `minimum`.
    @discardableResult
    func require(_ minimum: Role) throws(HTTPError) -> JWTClaims {
        let claims = try claims()
        do { try claims.require(minimum) } catch { throw AuthMiddleware.httpError(error) }
        return claims
    }
}
