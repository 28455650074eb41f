import Foundation

/// The claims the project uses, typed and already validated when they come out of `JWTVerifier`;
/// also the input of `JWTSigner`.
public struct JWTClaims: Sendable, Equatable {
    /// Who the caller is (`sub`): an application or a person; rate limits and audit use it.
    public var subject: String
    public var role: Role
    /// `exp`, required.
    public var expiresAt: Date
    /// `nbf`.
    public var notBefore: Date?
    /// `iat`.
    public var issuedAt: Date?
    /// `iss`.
    public var issuer: String?
    /// `aud`: a string or an array on the wire, always a list here (empty when absent).
    public var audience: [String]
    /// `jti`.
    public var tokenID: String?

    public init(
        subject: String, role: Role, expiresAt: Date, notBefore: Date? = nil, issuedAt: Date? = nil,
        issuer: String? = nil, audience: [String] = [], tokenID: String? = nil
    ) {
        self.subject = subject
        self.role = role
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.issuer = issuer
        self.audience = audience
        self.tokenID = tokenID
    }

    /// Throws `insufficientRole` unless the role is at least `minimum`.
    public func require(_ minimum: Role) throws(AuthError) {
        try role.require(minimum)
    }
}
