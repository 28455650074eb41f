/// An RSA public key that verifies PKCS#1 v1.5 SHA-256 signatures (RS256 JWTs).
public struct RSAPublicKey: Sendable {
    /// Smaller moduli are factorable in practice; refusing them keeps a weak configured key from loading.
    public static let minimumBits: Int32 = 2048

    let key: PublicKey

    /// From a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block.
    public init(pem: String) throws(CryptoError) {
        self.key = try Self.checked(PublicKey.fromPEM(pem))
    }

    /// From DER SubjectPublicKeyInfo bytes.
    public init(der: [UInt8]) throws(CryptoError) {
        self.key = try Self.checked(PublicKey.fromDER(der))
    }

    private static func checked(_ key: PublicKey) throws(CryptoError) -> PublicKey {
        guard key.baseID == EVP_PKEY_RSA_ID else {
            throw CryptoError(.invalidKey, "key is not an RSA public key")
        }
        guard key.bits >= minimumBits else {
            throw CryptoError(.invalidKey, "RSA key has \(key.bits) bits, at least \(minimumBits) required")
        }
        return key
    }

    /// Modulus size in bits.
    public var bits: Int { Int(key.bits) }

    /// True when `signature` is a PKCS#1 v1.5 SHA-256 signature of `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: some Sequence<UInt8>) throws(CryptoError) -> Bool {
        try key.verifySHA256(signature: signature, message: message)
    }
}
