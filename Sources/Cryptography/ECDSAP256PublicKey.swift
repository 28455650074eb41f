/// An ECDSA P-256 public key that verifies SHA-256 signatures: SendGrid event webhooks (DER
/// signatures) and ES256 JWTs (raw `r||s` signatures).
public struct ECDSAP256PublicKey: Sendable {
    let key: PublicKey

    /// From DER SubjectPublicKeyInfo bytes.
    public init(der: [UInt8]) throws(CryptoError) {
        self.key = try Self.checked(PublicKey.fromDER(der))
    }

    /// From base64 DER SubjectPublicKeyInfo, as SendGrid shows its verification key.
    public init(base64DER: String) throws(CryptoError) {
        let trimmed = base64DER.filter { !$0.isWhitespace }
        guard let der = Base64.decode(trimmed) else {
            throw CryptoError(.invalidEncoding, "public key is not base64")
        }
        try self.init(der: der)
    }

    /// From a PEM `PUBLIC KEY` block.
    public init(pem: String) throws(CryptoError) {
        self.key = try Self.checked(PublicKey.fromPEM(pem))
    }

    private static func checked(_ key: PublicKey) throws(CryptoError) -> PublicKey {
        guard key.baseID == EVP_PKEY_EC_ID, key.groupName == "prime256v1" else {
            throw CryptoError(.invalidKey, "key is not an EC P-256 public key")
        }
        return key
    }

    /// True when `derSignature` (ASN.1 ECDSA-Sig-Value) signs SHA-256(`message`) under this key.
    /// A malformed signature is simply not valid.
    public func isValidSignature(derSignature: [UInt8], for message: some Sequence<UInt8>) throws(CryptoError) -> Bool {
        try key.verifySHA256(signature: derSignature, message: message)
    }

    /// True when the 64-byte JOSE signature `r||s` (ES256) signs SHA-256(`message`) under this key.
    public func isValidSignature(rawSignature: [UInt8], for message: some Sequence<UInt8>) throws(CryptoError) -> Bool {
        guard let der = try? ECDSASignature.derFromRaw(rawSignature) else { return false }
        return try key.verifySHA256(signature: der, message: message)
    }
}
