import Auth
import HTTP

extension RequestContext {
    /// The caller's verified claims; throws 401 if the route was reached without a JWT (a route
    /// registered outside the authenticated groups).
    func claims() throws(HTTPError) -> JWTClaims {
        guard let claims = principal?.claims else { throw HTTPError.unauthorized() }
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
