import CCrypto

/// The hash functions the project needs (webhook schemes, JWT, the WebSocket handshake), named once so
/// HMAC and signatures cannot pick an unintended one.
public enum DigestAlgorithm: Sendable, Hashable, CaseIterable {
    case sha1
    case sha256
    case sha512

    /// Output size in bytes.
    public var byteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// libcrypto's static method table; never freed.
    var evpMD: OpaquePointer? {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
    }
}
