/// Minimal JSON object writer for log lines and error bodies (JSONSerialization is slow; order kept).
public enum LogLine {
    /// A JSON scalar.
    public enum Value: Sendable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
    }

    /// Writes one object field by field into one reserved byte buffer: hot callers (the access log) add
    /// fields without collecting them into an array first, and without a `String` append per piece.
    public struct Builder {
        private var bytes: [UInt8] = []
        private var empty = true

        /// `capacity`: expected length in bytes, reserved up front so appending does not reallocate.
        public init(capacity: Int = 128) {
            bytes.reserveCapacity(capacity)
            bytes.append(UInt8(ascii: "{"))
        }

        public mutating func add(_ key: String, _ value: Value) {
            if !empty { bytes.append(UInt8(ascii: ",")) }
            empty = false
            LogLine.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            switch value {
            case .string(let text): LogLine.appendString(text, to: &bytes)
            case .int(let number): bytes.append(contentsOf: String(number).utf8)
            case .double(let number): bytes.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
            case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
            }
        }

        public consuming func finish() -> String {
            bytes.append(UInt8(ascii: "}"))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    public static func json(_ fields: [(String, Value)]) -> String {
        var builder = Builder()
        for (key, value) in fields { builder.add(key, value) }
        return builder.finish()
    }

    package static func appendString(_ text: String, to out: inout String) {
        out += "\""
        if needsNoEscaping(text) {
            out += text
        } else {
            appendEscaped(text, to: &out)
        }
        out += "\""
    }

    /// `text` as a JSON string onto bytes: plain text is copied as it is, anything else escaped.
    package static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendContents(text, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The inside of a JSON string (no quotes), for writers that keep the quotes in fixed fragments.
    package static func appendContents(_ text: String, to out: inout [UInt8]) {
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard utf8.allSatisfy(isPlain) else { return false }
            out.append(contentsOf: utf8)
            return true
        }
        if copied != true {
            var escaped = ""
            appendEscaped(text, to: &escaped)
            out.append(contentsOf: escaped.utf8)
        }
    }

    /// A byte that JSON strings carry unescaped (UTF-8 continuation and lead bytes included).
    private static func isPlain(_ byte: UInt8) -> Bool { byte >= 0x20 && byte != 0x22 && byte != 0x5C }

    /// True when no byte is a quote, a backslash or a control character (the common case: ids, paths,
    /// routes), checked on the contiguous UTF-8 bytes; the text is then appended as it is.
    private static func needsNoEscaping(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(isPlain) }) { return result }
        return text.utf8.allSatisfy(isPlain)
    }

    private static func appendEscaped(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
