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
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var standard = [UInt8]()
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.append(byte)
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        switch standard.count % 4 {
        case 0: break
        case 2: standard.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
        case 3: standard.append(UInt8(ascii: "="))
        default: return nil
        }
        return Base64.decode(String(decoding: standard, as: UTF8.self))
    }
}
