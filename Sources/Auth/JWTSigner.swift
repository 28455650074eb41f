import Cryptography
import Foundation

/// Issues HS256 tokens, for the `coordinator token` CLI and tests; verification never needs it.
public struct JWTSigner: Sendable {
    private let secret: [UInt8]
    private let keyID: String?

    /// A signer with an HS256 secret (at least 32 bytes, as for verification).
    public static func hs256(secret: some Sequence<UInt8>, keyID: String? = nil) throws(AuthError) -> JWTSigner {
        let bytes = Array(secret)
        guard bytes.count >= JWTVerificationKey.minimumSecretLength else {
            throw AuthError(.invalidKey, "HS256 secret must be at least \(JWTVerificationKey.minimumSecretLength) bytes")
        }
        return JWTSigner(secret: bytes, keyID: keyID)
    }

    /// The compact token for `claims`; dates are written as whole seconds (rounded down).
    public func sign(_ claims: JWTClaims) throws(AuthError) -> String {
        var header: [String: String] = ["alg": JWTAlgorithm.hs256.rawValue, "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let payload = try WireClaims(claims)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let headerJSON = try? encoder.encode(header), let payloadJSON = try? encoder.encode(payload) else {
            throw AuthError(.signingFailed, "could not encode token JSON")
        }
        let signingInput = Base64URL.encode(headerJSON) + "." + Base64URL.encode(payloadJSON)
        guard let mac = try? HMAC.sha256(key: secret, message: signingInput.utf8) else {
            throw AuthError(.signingFailed, "HMAC-SHA256 failed")
        }
        return signingInput + "." + Base64URL.encode(mac)
    }
}

/// The JSON shape of `JWTClaims` on the wire (registered claim names, NumericDate integers).
private struct WireClaims: Encodable {
    let sub: String
    let role: String
    let exp: Int64
    let nbf: Int64?
    let iat: Int64?
    let iss: String?
    let aud: [String]?
    let jti: String?

    init(_ claims: JWTClaims) throws(AuthError) {
        sub = claims.subject
        role = claims.role.rawValue
        exp = try Self.seconds(claims.expiresAt)
        nbf = try claims.notBefore.map { date throws(AuthError) in try Self.seconds(date) }
        iat = try claims.issuedAt.map { date throws(AuthError) in try Self.seconds(date) }
        iss = claims.issuer
        aud = claims.audience.isEmpty ? nil : claims.audience
        jti = claims.tokenID
    }

    private static func seconds(_ date: Date) throws(AuthError) -> Int64 {
        let value = date.timeIntervalSince1970.rounded(.down)
        guard value.isFinite, abs(value) < 1e12 else {
            throw AuthError(.invalidClaim, "date out of range for a token")
        }
        return Int64(value)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sub, forKey: .sub)
        try container.encode(role, forKey: .role)
        try container.encode(exp, forKey: .exp)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encodeIfPresent(iat, forKey: .iat)
        try container.encodeIfPresent(iss, forKey: .iss)
        // A single audience is written as a string, the common form.
        if let aud, aud.count == 1 { try container.encode(aud[0], forKey: .aud) } else { try container.encodeIfPresent(aud, forKey: .aud) }
        try container.encodeIfPresent(jti, forKey: .jti)
    }

    private enum CodingKeys: String, CodingKey { case sub, role, exp, nbf, iat, iss, aud, jti }
}
