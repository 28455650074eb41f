import Foundation

/// Standard base64 (RFC 4648 section 4, padded), strict on decode: webhook signatures and keys arrive
/// in it, and a lenient decoder would accept several spellings of one signature.
public enum Base64 {
    /// Padded base64 text of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of padded base64 `text`, or nil if it has whitespace, bad padding, characters outside
    /// the alphabet, or non-zero unused bits (so each byte string has exactly one accepted spelling).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let string = String(text)
        guard string.utf8.count % 4 == 0, let data = Data(base64Encoded: string) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == string else { return nil }
        return bytes
    }
}

/// Base64url without padding (RFC 7515 section 2), strict on decode, as JWT segments require.
public enum Base64URL {
    /// Unpadded base64url text of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = Base64.encode(bytes)
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { char -> Character in
            switch char {
            case "+": "-"
            case "/": "_"
            default: char
            }
        })
    }

    /// The bytes of unpadded base64url `text`, or nil on padding, a character outside `A-Za-z0-9-_`,
    /// an impossible length, or non-zero unused bits.
    ///
    /// Decoded here in one pass rather than by translating to padded base64 for Foundation and
    /// encoding the result again to check it (the strictness check of `Base64.decode`): that was
    /// most of the cost of reading a JWT, on every authenticated request. Same answers (tested
    /// against that path).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var string = String(text)
        return string.withUTF8 { decode(bytes: $0) }
    }

    /// The same for text already in bytes (a JWT segment), without making a `String` of it.
    public static func decode(bytes: ArraySlice<UInt8>) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { decode(bytes: $0) }
    }

    /// The one decoder, over contiguous bytes: generic code over `StringProtocol` is not
    /// specialized across modules, and walking a string through protocol witnesses cost more
    /// than the decoding.
    private static func decode(bytes utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = utf8.count
        guard count % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            guard let value = sextet(byte) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // 2 or 4 bits left over (3 or 2 characters in the last group) must be zero.
        guard accumulator == 0 else { return nil }
        return out
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
