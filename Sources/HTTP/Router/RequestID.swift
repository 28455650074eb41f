import Synchronization

/// Request ids: a client's own id is kept when it is short and plain (so it can be logged safely),
/// otherwise a random one is generated.
public enum RequestID {
    public static func isSane(_ candidate: String) -> Bool {
        let bytes = candidate.utf8
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        return bytes.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    public static func resolve(_ header: String?) -> String {
        if let header, isSane(header) { return header }
        return generate()
    }

    /// 32 hex digits: a random per-process prefix plus a counter. Unique without a getrandom(2) call
    /// per request (ids identify, they do not authorize, so they need not be unpredictable).
    public static func generate() -> String {
        let sequence = UInt64(bitPattern: Int64(counter.wrappingAdd(1, ordering: .relaxed).oldValue))
        let prefix = self.prefix
        // One allocation: both halves are written straight into the final 32-byte string.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            writeHex(prefix, into: buffer, at: 0)
            writeHex(sequence, into: buffer, at: 16)
            return 32
        }
    }

    private static let prefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    private static let counter = Atomic<Int>(0)

    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        for index in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
            buffer[start + index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
    }
}
