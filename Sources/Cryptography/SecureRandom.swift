import CCrypto

/// Unpredictable bytes from libcrypto's CSPRNG, for secrets, nonces and WebSocket masking keys.
public enum SecureRandom {
    /// `count` random bytes; throws only if the generator cannot be seeded.
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0 else { throw CryptoError(.inputTooLarge, "negative random byte count") }
        let length = try cInt(count, "random output")
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let ok = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, length) }
        guard ok == 1 else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "RAND_bytes failed")
        }
        return output
    }
}
