/// A strict JSON parser (RFC 8259) for token headers and payloads, a pure value over bytes.
///
/// Why not `JSONDecoder`: `JSONValue`'s `Decodable` conformance has to guess each value's type by
/// trying `Bool`, `Double`, `String`, ... in turn, and each failed try builds and throws a
/// `DecodingError`; verifying a token that way was about a third of the CPU of an authenticated
/// request. This reads each value once. It reads documents as `JSONDecoder` reads them into
/// `JSONValue` (the tests compare both on valid and mutated inputs), and is stricter in two ways:
/// no trailing comma (`JSONDecoder` accepts `[1,]`, RFC 8259 does not), and no repeated member name
/// (`JSONDecoder` keeps the first; RFC 7519 section 4 says reject, or keep the last, and two readers
/// of one token must never disagree on a claim).
struct JSONValueParser {
    /// Nesting deeper than this is refused: claims are flat, and recursion must stay bounded.
    static let maxDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    /// False only in tests, which then compare the rest with `JSONDecoder` (it keeps the first).
    private let refusesDuplicateNames: Bool

    private init(_ bytes: [UInt8], refusesDuplicateNames: Bool) {
        self.bytes = bytes
        self.refusesDuplicateNames = refusesDuplicateNames
    }

    /// The value in `bytes` (one value, surrounded by whitespace at most), or nil if not valid JSON.
    static func parse(_ bytes: [UInt8], refusingDuplicateNames: Bool = true) -> JSONValue? {
        var parser = JSONValueParser(bytes, refusesDuplicateNames: refusingDuplicateNames)
        parser.skipWhitespace()
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.index == bytes.count ? value : nil
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth, let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let matched = word.withUTF8Buffer { word -> Bool in
            guard bytes.count - index >= word.count else { return false }
            for offset in 0..<word.count where bytes[index + offset] != word[offset] { return false }
            return true
        }
        if matched { index += word.utf8CodeUnitCount }
        return matched
    }

    private mutating func object(depth: Int) -> JSONValue? {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard current == UInt8(ascii: "\""), let name = string() else { return nil }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let value = value(depth: depth + 1) else { return nil }
            if members[name] == nil {
                members[name] = value
            } else if refusesDuplicateNames {
                return nil
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?:
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}")?:
                index += 1
                return .object(members)
            default:
                return nil
            }
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value(depth: depth + 1) else { return nil }
            elements.append(element)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?:
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]")?:
                index += 1
                return .array(elements)
            default:
                return nil
            }
        }
    }

    /// A string starting at the opening quote. Unescaped runs are copied as they are and must be
    /// valid UTF-8 without control characters; escapes include `\u` with surrogate pairs.
    private mutating func string() -> String? {
        index += 1
        var out: [UInt8] = []
        var runStart = index
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                out.append(contentsOf: bytes[runStart..<index])
                index += 1
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                out.append(contentsOf: bytes[runStart..<index])
                index += 1
                guard escape(into: &out) else { return nil }
                runStart = index
            case 0..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// The escape after a backslash, appended as UTF-8.
    private mutating func escape(into out: inout [UInt8]) -> Bool {
        guard let byte = current else { return false }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return false }
            var scalarValue = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by `\u` and a low one.
                guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
                else { return false }
                index += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00..<0xE000).contains(unit) {
                return false
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { return false }
            out.append(contentsOf: String(Character(scalar)).utf8)
        default:
            return false
        }
        return true
    }

    private mutating func hex4() -> UInt16? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, which must fit a finite `Double`. Read as
    /// `JSONValue`'s `Decodable` conformance reads it (the reference): `.integer` when the value is
    /// an integer that fits `Int64` (`1e2` too, as `JSONDecoder` converts it), else `.number`.
    private mutating func number() -> JSONValue? {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else { return nil }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let byte = current, isDigit(byte) else { return nil }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let byte = current, isDigit(byte) else { return nil }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let integer = Int64(text) { return .integer(integer) }
        guard let value = Double(text), value.isFinite else { return nil }
        if value.rounded() == value, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 {
            return .integer(Int64(value))
        }
        return .number(value)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }
}
