/// One result row; values stay in PostgreSQL's text format until decoded by column type.
public struct PostgresRow: Sendable {
    let index: PostgresColumnIndex
    /// Text-format bytes per column; `nil` is SQL NULL.
    let cells: [[UInt8]?]

    public var columns: [PostgresColumn] { index.columns }
    public var count: Int { cells.count }

    /// The raw cell of a column by name, for types the decoder does not know.
    public func cell(_ name: String) throws(PostgresError) -> PostgresCell {
        guard let position = index.position(of: name) else {
            throw .decoding("no column named '\(name)' in the result")
        }
        return cell(at: position)
    }

    public func cell(at position: Int) -> PostgresCell {
        PostgresCell(column: index.columns[position], bytes: cells[position])
    }

    /// Decodes a column: `try row.decode("cost_micros", as: Int64.self)`; use `Int64?.self` where
    /// NULL is allowed.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        try T.decode(from: cell(name))
    }

    /// Decodes a column by position (0-based); out of range is a decoding error.
    public func decode<T: PostgresDecodable>(at position: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard cells.indices.contains(position) else {
            throw .decoding("column \(position) out of range (\(cells.count) columns)")
        }
        return try T.decode(from: cell(at: position))
    }

    /// `try row["cost_micros", as: Int64.self]`, the same as `decode(_:as:)`.
    public subscript<T: PostgresDecodable>(name: String, as type: T.Type) -> T {
        get throws(PostgresError) { try decode(name, as: type) }
    }
}

/// One column value as received, with its type, handed to `PostgresDecodable` implementations.
public struct PostgresCell: Sendable {
    public let column: PostgresColumn
    /// Text-format bytes; `nil` for SQL NULL.
    public let bytes: [UInt8]?

    /// The value as text (PostgreSQL's text output for its type), or `nil` for NULL.
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    func mismatch<T>(_ type: T.Type) -> PostgresError {
        .decoding("column '\(column.name)' of type OID \(column.oid) cannot be decoded as \(T.self)")
    }

    func nonNull<T>(_ type: T.Type) throws(PostgresError) -> [UInt8] {
        guard let bytes else { throw .decoding("column '\(column.name)' is NULL; decode as \(T.self)? to allow it") }
        return bytes
    }
}
