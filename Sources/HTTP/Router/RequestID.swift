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
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return prefix + hex(UInt64(bitPattern: Int64(sequence)))
    }

    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next())
    }()

    private static let counter = Atomic<Int>(0)

    private static func hex(_ value: UInt64) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 { buffer[index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xF)] }
            return 16
        }
    }
}
