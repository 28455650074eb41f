import Auth
import Foundation
import HTTP

/// Verifies the bearer JWT on every `/api/v1` route except the provider webhooks (which carry the
/// provider's signature instead) and puts the claims in the request context. Roles are checked per
/// route with `context.require(_:)`, so a route states its own minimum.
struct AuthMiddleware: HTTPMiddleware {
    let verifier: JWTVerifier

    /// Paths under /api/v1 that do not take a JWT.
    static func isPublic(_ path: Substring) -> Bool {
        path.hasPrefix("/api/v1/external-services/webhook/")
    }

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        let path = request.path
        guard path.hasPrefix("/api/v1/"), !Self.isPublic(path), request.method != "OPTIONS" else {
            return await next(request, context)
        }
        // Browsers cannot set headers on a WebSocket handshake: they send ?access_token= instead.
        let header = request.headers["authorization"]
        let fromQuery = header == nil ? request.query["access_token"] : nil
        do {
            let claims: JWTClaims
            if let token = fromQuery {
                claims = try verifier.verify(token, now: Date())
            } else {
                claims = try verifier.verify(authorizationHeader: header, now: Date())
            }
            var context = context
            context.principal = claims
            return await next(request, context)
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
