import Logging
import Foundation

/// Checks bearer tokens: signature with a configured key bound to the token's algorithm, then the
/// time window, issuer, audience and the project's claims. Pure: the caller passes `now`.
public struct JWTVerifier: Sendable {
    public let keys: [JWTVerificationKey]
    public let options: JWTValidationOptions

    /// `keys` may hold several keys (rotation, or HS256 next to RS256); each checks only its algorithm.
    public init(keys: [JWTVerificationKey], options: JWTValidationOptions = JWTValidationOptions()) {
        self.keys = keys
        self.options = options
    }

    /// The validated claims of `token` at time `now`.
    public func verify(_ token: some StringProtocol, now: Date) throws(AuthError) -> JWTClaims {
        let jws = try CompactJWS(token, maxLength: options.maxTokenLength)
        let algorithm = try Self.algorithm(of: jws.header)
        let keyID: String?
        switch jws.header["kid"] {
        case nil: keyID = nil
        case .string(let value)?: keyID = value
        default: throw AuthError(.malformed, "token header 'kid' must be a string")
        }
        let candidates = keys.filter { key in
            key.algorithm == algorithm && (key.keyID == nil || keyID == nil || key.keyID == keyID)
        }
        guard !candidates.isEmpty else {
            throw AuthError(.algorithmMismatch, "no key accepts \(algorithm.rawValue) tokens")
        }
        guard candidates.contains(where: { $0.verifies(signature: jws.signature, signingInput: jws.signingInput) }) else {
            throw AuthError(.badSignature, "token signature is not valid")
        }
        // Only signed bytes are parsed past this point.
        guard let payload = JSONValue.object(from: jws.payload) else {
            throw AuthError(.malformed, "token payload is not a JSON object")
        }
        let claims = try ClaimsReader(payload).claims()
        try check(claims, now: now)
        return claims
    }

    /// Reads `Authorization: Bearer <token>` and verifies the token.
    public func verify(authorizationHeader: String?, now: Date) throws(AuthError) -> JWTClaims {
        try verify(BearerToken.parse(authorizationHeader), now: now)
    }

    private static func algorithm(of header: [String: JSONValue]) throws(AuthError) -> JWTAlgorithm {
        guard case .string(let name)? = header["alg"] else {
            throw AuthError(.malformed, "token header has no 'alg'")
        }
        // RFC 7515 section 4.1.11: extensions we do not understand must be refused.
        guard header["crit"] == nil else {
            throw AuthError(.unsupportedAlgorithm, "token header 'crit' extensions are not supported")
        }
        guard let algorithm = JWTAlgorithm(rawValue: name) else {
            throw AuthError(.unsupportedAlgorithm, "token algorithm is not accepted")
        }
        return algorithm
    }

    private func check(_ claims: JWTClaims, now: Date) throws(AuthError) {
        let leeway = options.leeway
        guard now < claims.expiresAt.addingTimeInterval(leeway) else {
            throw AuthError(.expired, "token has expired")
        }
        if let notBefore = claims.notBefore, now < notBefore.addingTimeInterval(-leeway) {
            throw AuthError(.notYetValid, "token is not valid yet")
        }
        if let issuedAt = claims.issuedAt, issuedAt > now.addingTimeInterval(leeway) {
            throw AuthError(.notYetValid, "token was issued in the future")
        }
        if let issuer = options.issuer, claims.issuer != issuer {
            throw AuthError(.wrongIssuer, "token issuer is not accepted")
        }
        if let audience = options.audience, !claims.audience.contains(audience) {
            throw AuthError(.wrongAudience, "token audience is not accepted")
        }
    }
}
