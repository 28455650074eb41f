extension JSONValue {
    /// Appends this value as compact JSON (object keys sorted, so equal values encode equally: a
    /// stored result compares byte for byte). No `JSONEncoder`: this runs on every proxied response.
    public func appendJSON(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): JSONBytes.appendInteger(value, to: &out)
        case .number(let value):
            // JSON has no NaN or infinity; the parser never produces them, but a value built in code might.
            if value.isFinite { out.append(contentsOf: "\(value)".utf8) } else { out.append(contentsOf: "null".utf8) }
        case .string(let value): JSONBytes.appendString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                fields[key]!.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// This value as compact JSON bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return out
    }
}
