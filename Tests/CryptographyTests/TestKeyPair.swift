import CCrypto

/// A private key generated in the test process, so signature tests need no fixtures or CLI; it signs
/// with `EVP_DigestSign` and exports its public half as DER or PEM for the code under test.
final class TestKeyPair {
    let pkey: OpaquePointer

    enum Kind { case p256, rsa(bits: Int32) }

    init?(_ kind: Kind) {
        let id: Int32
        switch kind {
        case .p256: id = NID_X9_62_id_ecPublicKey
        case .rsa: id = NID_rsaEncryption
        }
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { return nil }
        switch kind {
        case .p256:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else { return nil }
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1 else { return nil }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &key) == 1, let key else { return nil }
        pkey = key
    }

    deinit { EVP_PKEY_free(pkey) }

    /// SHA-256 signature (DER for EC, PKCS#1 v1.5 for RSA).
    func sign(_ message: [UInt8]) -> [UInt8]? {
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else { return nil }
        var length = 0
        guard EVP_DigestSign(ctx, nil, &length, message, message.count) == 1 else { return nil }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(ctx, &signature, &length, message, message.count) == 1 else { return nil }
        return Array(signature.prefix(length))
    }

    /// JOSE `r||s` form of an EC signature.
    func signRaw(_ message: [UInt8]) -> [UInt8]? {
        guard let der = sign(message) else { return nil }
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, der.count)
        }
        guard let parsed else { return nil }
        defer { ECDSA_SIG_free(parsed) }
        var raw = [UInt8](repeating: 0, count: 64)
        let ok = raw.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return BN_bn2binpad(ECDSA_SIG_get0_r(parsed), base, 32) == 32
                && BN_bn2binpad(ECDSA_SIG_get0_s(parsed), base + 32, 32) == 32
        }
        return ok ? raw : nil
    }

    var publicDER: [UInt8] {
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0 else { return [] }
        var der = [UInt8](repeating: 0, count: Int(length))
        _ = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        return der
    }

    var publicPEM: String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PUBKEY(bio, pkey) == 1 else { return "" }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let read = BIO_read(bio, &chunk, Int32(chunk.count))
            if read <= 0 { break }
            out.append(contentsOf: chunk.prefix(Int(read)))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
