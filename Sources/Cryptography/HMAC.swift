import CCrypto

/// Keyed message authentication (webhook signatures, HS256 JWTs) over libcrypto's one-shot `HMAC()`.
public enum HMAC {
    /// HMAC of `message` under `key` with `algorithm`. Compare results with `ConstantTime.equals`.
    public static func authenticationCode(
        _ algorithm: DigestAlgorithm,
        key: some Sequence<UInt8>,
        message: some Sequence<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = try key.withByteBuffer { keyBuffer throws(CryptoError) in
            let keyLength = try cInt(keyBuffer.count, "HMAC key")
            return try message.withByteBuffer { input throws(CryptoError) in
                output.withUnsafeMutableBufferPointer { out in
                    CCrypto.HMAC(
                        algorithm.evpMD, keyBuffer.baseAddress, keyLength,
                        input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                        out.baseAddress, &length
                    ) != nil
                }
            }
        }
        guard ok, Int(length) == algorithm.byteCount else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "HMAC failed for \(algorithm)")
        }
        return Array(output.prefix(Int(length)))
    }

    /// HMAC-SHA1 (Twilio).
    public static func sha1(key: some Sequence<UInt8>, message: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        try authenticationCode(.sha1, key: key, message: message)
    }

    /// HMAC-SHA256 (Stripe, Samsara, Airtable, Standard Webhooks, HS256).
    public static func sha256(key: some Sequence<UInt8>, message: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        try authenticationCode(.sha256, key: key, message: message)
    }

    /// HMAC-SHA512.
    public static func sha512(key: some Sequence<UInt8>, message: some Sequence<UInt8>) throws(CryptoError) -> [UInt8] {
        try authenticationCode(.sha512, key: key, message: message)
    }
}
