import CCrypto

/// Owns one libcrypto `EVP_PKEY` holding a public key and verifies signatures with it.
///
/// `@unchecked Sendable` is safe: the key is never mutated after `init` (no setter reaches the
/// pointer), OpenSSL 3 documents `EVP_PKEY` as safe to share across threads for read-only operations,
/// and each verification builds its own `EVP_MD_CTX`.
final class PublicKey: @unchecked Sendable {
    let pkey: OpaquePointer

    init(taking pkey: OpaquePointer) {
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// Parses DER SubjectPublicKeyInfo.
    static func fromDER(_ der: [UInt8]) throws(CryptoError) -> PublicKey {
        let length = try cInt(der.count, "public key")
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, Int(length))
        }
        guard let parsed else {
            clearLibcryptoErrors()
            throw CryptoError(.invalidKey, "not a DER SubjectPublicKeyInfo")
        }
        return PublicKey(taking: parsed)
    }

    /// Parses a PEM `-----BEGIN PUBLIC KEY-----` block.
    static func fromPEM(_ pem: String) throws(CryptoError) -> PublicKey {
        let bytes = Array(pem.utf8)
        let length = try cInt(bytes.count, "PEM text")
        let parsed: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, length) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let parsed else {
            clearLibcryptoErrors()
            throw CryptoError(.invalidKey, "not a PEM public key")
        }
        return PublicKey(taking: parsed)
    }

    var baseID: Int32 { EVP_PKEY_get_base_id(pkey) }
    var bits: Int32 { EVP_PKEY_get_bits(pkey) }

    /// The curve name ("prime256v1" for P-256), nil for non-EC keys.
    var groupName: String? {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pkey, &name, name.count, &length) == 1 else {
            clearLibcryptoErrors()
            return nil
        }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `EVP_DigestVerify` with SHA-256 (the key type picks ECDSA or RSA PKCS#1 v1.5, the default
    /// RSA padding). Returns false for a wrong or malformed signature; throws only when libcrypto fails.
    func verifySHA256(signature: [UInt8], message: some Sequence<UInt8>) throws(CryptoError) -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(.libraryFailure, "EVP_MD_CTX_new failed")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, pkey) == 1 else {
            clearLibcryptoErrors()
            throw CryptoError(.libraryFailure, "EVP_DigestVerifyInit failed")
        }
        let result = try message.withByteBuffer { input throws(CryptoError) in
            signature.withUnsafeBufferPointer { sig in
                EVP_DigestVerify(
                    context, sig.baseAddress, sig.count,
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count
                )
            }
        }
        // 1 = valid, 0 = wrong signature, negative = malformed signature or other failure: all "not valid".
        if result != 1 { clearLibcryptoErrors() }
        return result == 1
    }
}
