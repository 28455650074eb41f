/// Who made a request, as an auth middleware established it; typed, so a handler never casts.
public enum Principal: Sendable, Equatable {
    /// An API client with a verified JWT.
    case bearer(JWTClaims)
    /// A provider whose webhook signature verified (the webhook group's auth sets it).
    case provider(service: String)

    /// The JWT claims, for principals that have them.
    public var claims: JWTClaims? {
        if case .bearer(let claims) = self { return claims }
        return nil
    }

    /// A stable name for logs and per-client limits: the JWT `sub`, or `provider:<service>`.
    public var name: String {
        switch self {
        case .bearer(let claims): claims.subject
        case .provider(let service): "provider:" + service
        }
    }
}
