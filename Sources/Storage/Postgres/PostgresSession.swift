import CLibPQ
import Glibc

/// The libpq connection of one worker thread. Not Sendable: only its `PostgresWorker` thread creates,
/// uses and frees it, which is what lets blocking libpq calls stay off Swift's cooperative pool.
final class PostgresSession {
    /// Touched only on the owning worker thread.
    private(set) var connection: OpaquePointer?
    private let parameters: [(String, String)]
    private let cancelKey: PostgresCancelKey
    /// The cancellation flag of the job being run (nil for cleanup that must not be cancelled).
    var cancelRequest: PostgresCancelRequest?

    init(configuration: PostgresConfiguration, cancelKey: PostgresCancelKey) {
        self.parameters = configuration.libpqParameters
        self.cancelKey = cancelKey
    }

    deinit { close() }

    var isConnected: Bool {
        connection.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    func close() {
        cancelKey.replace(with: nil)
        if let connection { PQfinish(connection) }
        connection = nil
    }

    /// Before each lease: reuse a live idle session, otherwise open a new one. A session whose socket
    /// turned readable while idle has been told to go away (server restart, `pg_terminate_backend`).
    func prepare() throws(PostgresError) {
        if let connection, Self.isUsable(connection) { return }
        try connect()
    }

    /// After each lease: leave the session idle and outside any transaction, or drop it.
    func finishLease() {
        guard let connection else { return }
        guard PQstatus(connection) == CONNECTION_OK else { return close() }
        switch PQtransactionStatus(connection) {
        case PQTRANS_IDLE:
            return
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            PQclear(PQexec(connection, "ROLLBACK"))
            if PQtransactionStatus(connection) != PQTRANS_IDLE { close() }
        default:
            close()
        }
    }

    private func connect() throws(PostgresError) {
        close()
        let opened = Self.withCStrings(parameters.map(\.0)) { keywords in
            Self.withCStrings(parameters.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let opened else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(opened) == CONNECTION_OK else {
            let message = Self.errorMessage(opened)
            PQfinish(opened)
            let lowered = message.lowercased()
            let authentication = lowered.contains("authentication failed") || lowered.contains("no password supplied")
            throw PostgresError(code: authentication ? .authenticationFailed : .connectionFailed, message: message)
        }
        // Notices (and a FATAL sent to an idle session) would otherwise be printed to stderr.
        PQsetNoticeProcessor(opened, { _, _ in }, nil)
        connection = opened
        cancelKey.replace(with: PQgetCancel(opened))
    }

    private static func isUsable(_ connection: OpaquePointer) -> Bool {
        guard PQstatus(connection) == CONNECTION_OK, PQtransactionStatus(connection) == PQTRANS_IDLE else {
            return false
        }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Runs one parameterized statement (extended protocol: exactly one statement, values never
    /// spliced into SQL); parameters go in binary with their type OIDs, results come back as text.
    func execute(_ sql: String, _ parameters: [PostgresValue]) throws(PostgresError) -> PostgresRows {
        guard let connection else { throw PostgresError(code: .connectionFailed, message: "not connected") }
        guard parameters.count <= PostgresLimits.maxParameters else {
            throw .invalidArgument("\(parameters.count) parameters exceed PostgreSQL's limit of 65535")
        }
        // One trailing byte keeps the buffer's base address non-nil for empty values.
        var buffer: [UInt8] = [0]
        var offsets: [Int] = []
        var lengths: [Int32] = []
        var isNull: [Bool] = []
        for parameter in parameters {
            let start = buffer.count
            isNull.append(!parameter.appendBinary(to: &buffer))
            offsets.append(start)
            guard let length = Int32(exactly: buffer.count - start) else {
                throw .invalidArgument("parameter \(offsets.count) is larger than the protocol's 2 GiB limit")
            }
            lengths.append(length)
        }
        let types = parameters.map(\.oid)
        let formats = [Int32](repeating: 1, count: parameters.count)
        try cancelKey.beginStatement(for: cancelRequest)
        defer { cancelKey.endStatement() }
        let result = buffer.withUnsafeBytes { bytes in
            let values: [UnsafePointer<CChar>?] = parameters.indices.map { index in
                isNull[index] ? nil : bytes.baseAddress.map { ($0 + offsets[index]).assumingMemoryBound(to: CChar.self) }
            }
            return PQexecParams(connection, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        return try consume(result)
    }

    /// Runs a script of several `;`-separated statements without parameters (simple protocol),
    /// as migration files need.
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresRows {
        guard let connection else { throw PostgresError(code: .connectionFailed, message: "not connected") }
        try cancelKey.beginStatement(for: cancelRequest)
        defer { cancelKey.endStatement() }
        return try consume(PQexec(connection, sql))
    }
}

/// Protocol limits the client checks before sending.
enum PostgresLimits {
    /// The wire protocol counts parameters in an Int16 field.
    static let maxParameters = 65535
}
