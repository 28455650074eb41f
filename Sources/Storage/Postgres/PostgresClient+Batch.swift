extension PostgresClient {
    /// Appends many rows in one transaction with multi-row `INSERT ... VALUES` statements, chunked to
    /// stay under the protocol's 65535-parameter limit. Names are validated and quoted; values are
    /// always parameters. Returns the number of rows inserted; on error nothing is inserted.
    @discardableResult
    public func insertBatch(table: String, columns: [String], rows: [[PostgresValue]]) async throws(PostgresError) -> Int {
        guard !rows.isEmpty else { return 0 }
        return try await withTransaction { connection throws(PostgresError) in
            try await connection.insertBatch(table: table, columns: columns, rows: rows)
        }
    }
}

extension PostgresConnection {
    /// Rows per statement: large enough to amortize round trips, small enough to plan quickly.
    static let maxRowsPerInsert = 1000

    /// The chunked insert of `PostgresClient.insertBatch`, inside a transaction the caller already
    /// holds (so it commits or rolls back with the caller's other statements).
    @discardableResult
    public func insertBatch(table: String, columns: [String], rows: [[PostgresValue]]) async throws(PostgresError) -> Int {
        guard !columns.isEmpty else { throw .invalidArgument("insertBatch needs at least one column") }
        let tableName = try PostgresIdentifier(table).quoted
        var columnNames: [String] = []
        for column in columns { columnNames.append(try PostgresIdentifier(column).quoted) }
        for (position, row) in rows.enumerated() where row.count != columns.count {
            throw .invalidArgument("row \(position) has \(row.count) values for \(columns.count) columns")
        }
        let prefix = "INSERT INTO \(tableName) (\(columnNames.joined(separator: ", "))) VALUES "
        let chunkSize = max(1, min(Self.maxRowsPerInsert, PostgresLimits.maxParameters / columns.count))
        var inserted = 0
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + chunkSize, rows.count)]
            var sql = prefix
            var parameters: [PostgresValue] = []
            parameters.reserveCapacity(chunk.count * columns.count)
            for (rowNumber, row) in chunk.enumerated() {
                sql += rowNumber == 0 ? "(" : ", ("
                for (columnNumber, value) in row.enumerated() {
                    parameters.append(value)
                    sql += columnNumber == 0 ? "$\(parameters.count)" : ", $\(parameters.count)"
                }
                sql += ")"
            }
            inserted += try await execute(sql, parameters)
            start += chunk.count
        }
        return inserted
    }
}
