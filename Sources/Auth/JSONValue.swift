import Foundation

/// Untyped JSON, so each claim's type is checked by us with a precise error (a `true` is never
/// read as `1`, as `JSONSerialization`'s NSNumber bridging can do). Tokens are read with
/// `JSONValueParser`; the `Decodable` conformance is the reference it is tested against.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
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

    /// A JSON object from UTF-8 bytes, or nil for anything else.
    static func object(from bytes: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let object)? = JSONValueParser.parse(bytes) else { return nil }
        return object
    }
}
