import CCrypto

/// Lets every public function take `[UInt8]`, `ArraySlice`, `Data` or a `String.UTF8View` without
/// copying contiguous inputs, and hands libcrypto a non-null pointer even for empty input.
extension Sequence where Element == UInt8 {
    func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R) throws(CryptoError) -> R {
        // Typed throws cannot cross `withContiguousStorageIfAvailable`, so carry the outcome out as a Result.
        let contiguous: Result<R, CryptoError>? = self.withContiguousStorageIfAvailable { buffer in
            Self.callNonNull(UnsafeRawBufferPointer(buffer), body)
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(self)
        return try copy.withUnsafeBytes { buffer in Self.callNonNull(buffer, body) }.get()
    }

    private static func callNonNull<R>(
        _ buffer: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R
    ) -> Result<R, CryptoError> {
        // Some OpenSSL 3.0 entry points (HMAC with an empty key) fail on a NULL pointer even with length 0.
        if buffer.baseAddress == nil {
            let zero: [UInt8] = [0]
            return zero.withUnsafeBytes { one in
                Result { () throws(CryptoError) -> R in
                    try body(UnsafeRawBufferPointer(start: one.baseAddress, count: 0))
                }
            }
        }
        return Result { () throws(CryptoError) -> R in try body(buffer) }
    }
}

/// libcrypto takes many lengths as C `int`; this converts or fails instead of trapping.
@inline(__always)
func cInt(_ count: Int, _ what: String) throws(CryptoError) -> Int32 {
    guard let value = Int32(exactly: count) else {
        throw CryptoError(.inputTooLarge, "\(what) of \(count) bytes exceeds libcrypto's limit")
    }
    return value
}

/// Failures leave entries on OpenSSL's per-thread error queue; clearing them keeps a later, unrelated
/// call on the same thread from reporting a stale error.
@inline(__always)
func clearLibcryptoErrors() {
    ERR_clear_error()
}
