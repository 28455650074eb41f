import Logging

/// `application/x-www-form-urlencoded` bodies as Stripe and Twilio read them, and RFC 3986
/// percent-encoding for query values and path segments.
enum FormEncoding {
    /// Unreserved characters stay; everything else is %XX (space too: `+` is ambiguous in paths).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// `name=value&...` in the order given.
    static func encode(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&").utf8)
    }

    /// Stripe's nesting: `metadata[order]=1`, `items[0][price]=p`; keys sorted so equal payloads
    /// encode equally (Stripe compares a retried body with the first for its idempotency).
    static func flatten(_ value: JSONValue, prefix: String, into pairs: inout [(String, String)]) {
        switch value {
        case .object(let fields):
            for key in fields.keys.sorted() {
                flatten(fields[key]!, prefix: prefix.isEmpty ? key : "\(prefix)[\(key)]", into: &pairs)
            }
        case .array(let values):
            for (index, element) in values.enumerated() { flatten(element, prefix: "\(prefix)[\(index)]", into: &pairs) }
        case .null: pairs.append((prefix, ""))
        case .bool(let flag): pairs.append((prefix, flag ? "true" : "false"))
        case .integer(let number): pairs.append((prefix, String(number)))
        case .number(let number): pairs.append((prefix, String(number)))
        case .string(let text): pairs.append((prefix, text))
        }
    }
}
