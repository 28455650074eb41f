/// JSON string literals for messages assembled by hand on hot paths (one realtime event is encoded
/// once and sent to thousands of sockets; JSONEncoder per event would dominate the fan-out).
public enum JSONText {
    /// `text` as a JSON string literal, quotes included (RFC 8259 section 7 escaping).
    public static func quoted(_ text: String) -> String {
        // Fast path: names and ids are plain ASCII with nothing to escape.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) { return "\"" + text + "\"" }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
