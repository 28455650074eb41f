/// The JWS algorithms accepted (RFC 7518). `none` and everything else are refused by construction:
/// there is no case for them.
public enum JWTAlgorithm: String, Sendable, Hashable, CaseIterable {
    case hs256 = "HS256"
    case rs256 = "RS256"
    case es256 = "ES256"
}
