import Cryptography

/// A key bound to exactly one algorithm, so an HS256 secret can never check an RS256 token (or the
/// reverse): the token's `alg` must equal the key's.
public struct JWTVerificationKey: Sendable {
    enum Material: Sendable {
        case secret([UInt8])
        case rsa(RSAPublicKey)
        case ec(ECDSAP256PublicKey)
    }

    /// RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
    public static let minimumSecretLength = 32

    public let algorithm: JWTAlgorithm
    /// When set, a token naming a different `kid` is not checked with this key.
    public let keyID: String?
    let material: Material

    /// An HS256 secret (at least 32 bytes).
    public static func hs256(secret: some Sequence<UInt8>, keyID: String? = nil) throws(AuthError) -> JWTVerificationKey {
        let bytes = Array(secret)
        guard bytes.count >= minimumSecretLength else {
            throw AuthError(.invalidKey, "HS256 secret must be at least \(minimumSecretLength) bytes")
        }
        return JWTVerificationKey(algorithm: .hs256, keyID: keyID, material: .secret(bytes))
    }

    /// An RS256 public key.
    public static func rs256(_ key: RSAPublicKey, keyID: String? = nil) -> JWTVerificationKey {
        JWTVerificationKey(algorithm: .rs256, keyID: keyID, material: .rsa(key))
    }

    /// An RS256 public key from PEM.
    public static func rs256(pem: String, keyID: String? = nil) throws(AuthError) -> JWTVerificationKey {
        do {
            return rs256(try RSAPublicKey(pem: pem), keyID: keyID)
        } catch {
            throw AuthError(.invalidKey, "RS256 key: \(error.message)")
        }
    }

    /// An ES256 (P-256) public key.
    public static func es256(_ key: ECDSAP256PublicKey, keyID: String? = nil) -> JWTVerificationKey {
        JWTVerificationKey(algorithm: .es256, keyID: keyID, material: .ec(key))
    }

    /// An ES256 public key from PEM.
    public static func es256(pem: String, keyID: String? = nil) throws(AuthError) -> JWTVerificationKey {
        do {
            return es256(try ECDSAP256PublicKey(pem: pem), keyID: keyID)
        } catch {
            throw AuthError(.invalidKey, "ES256 key: \(error.message)")
        }
    }

    /// Whether `signature` signs `signingInput` under this key. Libcrypto failures count as "no".
    func verifies(signature: [UInt8], signingInput: [UInt8]) -> Bool {
        switch material {
        case .secret(let secret):
            guard let expected = try? HMAC.sha256(key: secret, message: signingInput) else { return false }
            return ConstantTime.equals(expected, signature)
        case .rsa(let key):
            return (try? key.isValidSignature(signature, for: signingInput)) ?? false
        case .ec(let key):
            return (try? key.isValidSignature(rawSignature: signature, for: signingInput)) ?? false
        }
    }
}
