import CCrypto

/// Converts ECDSA signatures between the JOSE form (fixed-size `r||s`) and the DER form libcrypto needs.
public enum ECDSASignature {
    /// DER `ECDSA-Sig-Value` of a P-256 JOSE signature: exactly 64 bytes, `r` then `s`, big-endian.
    public static func derFromRaw(_ raw: [UInt8], coordinateSize: Int = 32) throws(CryptoError) -> [UInt8] {
        guard coordinateSize > 0, raw.count == 2 * coordinateSize else {
            throw CryptoError(.invalidSignature, "raw ECDSA signature must be \(2 * coordinateSize) bytes")
        }
        let size = try cInt(coordinateSize, "ECDSA coordinate")
        guard let signature = ECDSA_SIG_new() else {
            throw CryptoError(.libraryFailure, "ECDSA_SIG_new failed")
        }
        defer { ECDSA_SIG_free(signature) }
        let r = raw[..<coordinateSize].withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, size, nil) }
        let s = raw[coordinateSize...].withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, size, nil) }
        guard let r, let s else {
            BN_free(r)
            BN_free(s)
            throw CryptoError(.libraryFailure, "BN_bin2bn failed")
        }
        // On success ECDSA_SIG_set0 takes ownership of r and s.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            throw CryptoError(.libraryFailure, "ECDSA_SIG_set0 failed")
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "i2d_ECDSA_SIG failed")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "i2d_ECDSA_SIG wrote \(written) of \(length) bytes")
        }
        return der
    }
}
