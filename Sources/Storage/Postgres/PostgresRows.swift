/// A fully read query result, copied out of libpq at once so no C pointer outlives the call.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted, copied or selected, as the server's command tag says.
    public let affectedRows: Int
    /// The server's command tag, e.g. `INSERT 0 1` or `ROLLBACK`.
    public let commandTag: String

    init(columns: [PostgresColumn], rows: [PostgresRow], affectedRows: Int, commandTag: String) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }

    /// The first row, for statements expected to return one (`SELECT count(*)`, `... LIMIT 1`);
    /// a decoding error when there is none.
    public func single() throws(PostgresError) -> PostgresRow {
        guard let row = rows.first else { throw .decoding("expected one row, got none") }
        return row
    }
}

/// A result column: its name and type OID, which drive decoding.
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let oid: UInt32
}

/// Column metadata shared by every row of one result, so rows stay small.
final class PostgresColumnIndex: Sendable {
    let columns: [PostgresColumn]
    private let positions: [String: Int]

    init(_ columns: [PostgresColumn]) {
        self.columns = columns
        var positions: [String: Int] = [:]
        for (index, column) in columns.enumerated() where positions[column.name] == nil {
            positions[column.name] = index
        }
        self.positions = positions
    }

    func position(of name: String) -> Int? { positions[name] }
}
