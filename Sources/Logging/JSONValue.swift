import Foundation

/// The project's one untyped JSON value: JWT headers and claims (Auth), event payloads (Coordination)
/// and anything else decoded without a schema. Decoded faithfully: integers stay integers (money in
/// micros must not turn into 1.5e+06) and `true` is never read as `1`, as `JSONSerialization`'s
/// NSNumber bridging can do; each consumer checks the types it needs with a precise error.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A JSON object from UTF-8 bytes, or nil for anything else (not JSON, or not an object).
    /// Read by `JSONValueParser` in one pass (strict: no trailing comma, no repeated member name).
    public static func object(from bytes: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let object)? = JSONValueParser.parse(bytes) else { return nil }
        return object
    }

    /// Any JSON value from UTF-8 bytes (strict, one pass), or nil if they are not exactly one.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? { JSONValueParser.parse(bytes) }

    /// The value as a number of any kind (integers and fractions alike), or nil.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// Compact JSON text (keys sorted, so equal values give equal text).
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a decoded value cannot fail except for non-finite numbers, which JSON cannot
        // carry and the decoder never produces.
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
