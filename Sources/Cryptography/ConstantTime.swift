import CCrypto

/// Comparison of secrets (signatures, MACs, tokens) whose duration does not reveal where they differ.
public enum ConstantTime {
    /// True when both hold the same bytes. The time depends only on the lengths: lengths are public
    /// (a MAC's size is fixed by its algorithm), contents are not.
    public static func equals(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Bool {
        let result: Result<Bool, CryptoError> = Result { () throws(CryptoError) -> Bool in
            try lhs.withByteBuffer { a throws(CryptoError) in
                try rhs.withByteBuffer { b throws(CryptoError) in
                    guard a.count == b.count else { return false }
                    return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
                }
            }
        }
        return (try? result.get()) ?? false
    }
}
