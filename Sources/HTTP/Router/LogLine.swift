/// Minimal JSON object writer for log lines and error bodies (JSONSerialization is slow; order kept).
public enum LogLine {
    /// A JSON scalar.
    public enum Value: Sendable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
    }

    /// Writes one object field by field into a single growing string: hot callers (the access log) add
    /// fields without first collecting them into an array.
    public struct Builder {
        private var out: String
        private var empty = true

        /// `capacity`: expected length in bytes, reserved up front so appending does not reallocate.
        public init(capacity: Int = 128) {
            out = ""
            out.reserveCapacity(capacity)
            out += "{"
        }

        public mutating func add(_ key: String, _ value: Value) {
            if !empty { out += "," }
            empty = false
            LogLine.appendString(key, to: &out)
            out += ":"
            switch value {
            case .string(let text): LogLine.appendString(text, to: &out)
            case .int(let number): out += String(number)
            case .double(let number): out += number.isFinite ? String(number) : "null"
            case .bool(let flag): out += flag ? "true" : "false"
            }
        }

        public consuming func finish() -> String {
            out += "}"
            return out
        }
    }

    public static func json(_ fields: [(String, Value)]) -> String {
        var builder = Builder()
        for (key, value) in fields { builder.add(key, value) }
        return builder.finish()
    }

    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        if needsNoEscaping(text) {
            out += text
        } else {
            appendEscaped(text, to: &out)
        }
        out += "\""
    }

    /// True when no byte is a quote, a backslash or a control character (the common case: ids, paths,
    /// routes), checked on the contiguous UTF-8 bytes; the text is then appended as it is.
    private static func needsNoEscaping(_ text: String) -> Bool {
        let plain: (UInt8) -> Bool = { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
        if let result = text.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(plain) }) { return result }
        return text.utf8.allSatisfy(plain)
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
