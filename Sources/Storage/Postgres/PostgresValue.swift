import Foundation

/// A query parameter: always sent to the server separately from the SQL text, with its type OID,
/// so values can never change the meaning of a statement.
public enum PostgresValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case text(String)
    case bytea([UInt8])
    case uuid(UUID)
    /// Sent with microsecond precision (PostgreSQL's resolution).
    case timestamptz(Date)
    /// Raw UTF-8 JSON document; the server validates it.
    case jsonb([UInt8])

    /// A JSON document given as text.
    public static func jsonb(string: String) -> PostgresValue { .jsonb(Array(string.utf8)) }

    /// `Int` is 64-bit on every platform we run on.
    public static func int(_ value: Int) -> PostgresValue { .int64(Int64(value)) }

    /// An optional that maps `nil` to SQL NULL.
    public static func optional<T>(_ value: T?, _ wrap: (T) -> PostgresValue) -> PostgresValue {
        value.map(wrap) ?? .null
    }
}

extension PostgresValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}
