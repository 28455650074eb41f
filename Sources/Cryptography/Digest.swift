import CCrypto

/// One-shot message digests over libcrypto's `EVP_Digest`.
public enum Digest {
    /// The digest of `data` with `algorithm`.
    public static func hash(
        _ algorithm: DigestAlgorithm,
        _ data: some Sequence<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = try data.withByteBuffer { input throws(CryptoError) in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, algorithm.evpMD, nil)
            }
        }
        guard ok == 1, Int(length) == algorithm.byteCount else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "EVP_Digest failed for \(algorithm)")
        }
        return Array(output.prefix(Int(length)))
    }

    /// SHA-1: only for protocols that mandate it (WebSocket accept key, Twilio signatures).
    public static func sha1(_ data: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        try hash(.sha1, data)
    }

    /// SHA-256.
    public static func sha256(_ data: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        try hash(.sha256, data)
    }
}
