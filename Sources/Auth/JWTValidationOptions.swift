import Foundation

/// What a token must satisfy beyond its signature; owned by `JWTVerifier`.
public struct JWTValidationOptions: Sendable, Equatable {
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. 30 s: nodes and issuers run NTP, and a
    /// leeway this small keeps an expired token useless almost at once.
    public var leeway: TimeInterval
    /// When set, `iss` must equal it.
    public var issuer: String?
    /// When set, `aud` must contain it.
    public var audience: String?
    /// Longest token accepted, in bytes. 8 KiB: our tokens are a few hundred bytes, and the bound
    /// caps the base64 and JSON work an unauthenticated caller can cause.
    public var maxTokenLength: Int

    public init(leeway: TimeInterval = 30, issuer: String? = nil, audience: String? = nil, maxTokenLength: Int = 8192) {
        self.leeway = max(0, leeway)
        self.issuer = issuer
        self.audience = audience
        self.maxTokenLength = maxTokenLength
    }
}
