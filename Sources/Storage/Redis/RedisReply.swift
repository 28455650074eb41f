/// A Redis reply as a Swift value (RESP2): what every command returns, independent of hiredis.
public enum RedisReply: Sendable, Hashable {
    /// `+OK`-style status line.
    case status(String)
    /// `-ERR ...` error line, as Redis sent it.
    case error(String)
    case integer(Int64)
    /// Bulk string bytes (binary safe).
    case bulkString([UInt8])
    /// Null bulk string or null array (`$-1`, `*-1`).
    case null
    case array([RedisReply])

    /// Text of a status, bulk string (if UTF-8) or error; nil otherwise.
    public var string: String? {
        switch self {
        case .status(let text), .error(let text): text
        case .bulkString(let bytes): String(validating: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// Bytes of a bulk string or status.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): bytes
        case .status(let text): Array(text.utf8)
        default: nil
        }
    }

    /// An integer reply, or a bulk string holding a decimal integer (as GET returns counters).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulkString(let bytes): String(validating: bytes, as: UTF8.self).flatMap { Int64($0) }
        default: nil
        }
    }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The error text when this is an error reply.
    public var errorMessage: String? {
        if case .error(let text) = self { return text }
        return nil
    }

    /// Throws the error reply as `RedisError(.server, ...)`, otherwise returns self.
    public func throwingServerError() throws(RedisError) -> RedisReply {
        if case .error(let text) = self { throw RedisError.server(text) }
        return self
    }
}

/// Replies carry stored values (tokens, credentials, customer data), so their text form, which
/// ends up in error messages and logs, names only the type and size, never the content. Read the
/// content through `string`, `bytes`, `integer` or `array`.
extension RedisReply: CustomStringConvertible {
    public var description: String { redactedDescription }

    /// The reply's type and size, e.g. `bulk string (12 bytes)`, `array (3 elements)`.
    public var redactedDescription: String {
        switch self {
        case .status(let text): "status (\(text.utf8.count) bytes)"
        case .error(let text): "error (\(text.utf8.count) bytes)"
        case .integer: "integer"
        case .bulkString(let bytes): "bulk string (\(bytes.count) bytes)"
        case .null: "null"
        case .array(let elements): "array (\(elements.count) \(elements.count == 1 ? "element" : "elements"))"
        }
    }
}
