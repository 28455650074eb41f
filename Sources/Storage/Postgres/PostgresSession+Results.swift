import CLibPQ
import Foundation

extension PostgresSession {
    /// Copies a PGresult into Swift values and frees it, or turns it into a typed error.
    func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.rows(of: result)
        default:
            throw error(from: result)
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { column in
            PostgresColumn(name: PQfname(result, column).map { String(cString: $0) } ?? "?", oid: PQftype(result, column))
        }
        let index = PostgresColumnIndex(columns)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var cells: [[UInt8]?] = []
            cells.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let raw = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
                    cells.append(Array(raw))
                }
            }
            rows.append(PostgresRow(index: index, cells: cells))
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresRows(columns: columns, rows: rows, affectedRows: affected, commandTag: tag)
    }

    private func error(from result: OpaquePointer) -> PostgresError {
        let sqlState = Self.field(result, "C")
        let message = Self.field(result, "M") ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
        let detail = Self.field(result, "D")
        return PostgresError(code: code(for: sqlState), sqlState: sqlState, message: message, detail: detail)
    }

    private func code(for sqlState: String?) -> PostgresError.Code {
        if !isConnected { return .connectionFailed }
        guard let sqlState else { return .server }
        if sqlState == "57014" { return .timeout }  // statement_timeout, or our PQcancel
        if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") { return .connectionFailed }
        if sqlState.hasPrefix("28") { return .authenticationFailed }
        return .server
    }

    private func connectionError() -> PostgresError {
        let message = connection.map { Self.errorMessage($0) } ?? "not connected"
        return PostgresError(code: .connectionFailed, message: message)
    }

    private static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
        return String(cString: value)
    }

    static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown libpq error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` with a NULL-terminated array of C strings that live for the call only.
    static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
    }
}
