/// The one error type of the PostgreSQL client: a code callers switch on, plus server diagnostics
/// (SQLSTATE, message, detail) meant for logs only.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a growable set of codes (a struct, not a frozen enum).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The database URL or configuration is malformed.
        public static let invalidURL = Code("invalidURL")
        /// The server could not be reached, refused the session, or the connection broke.
        public static let connectionFailed = Code("connectionFailed")
        /// The server rejected the credentials.
        public static let authenticationFailed = Code("authenticationFailed")
        /// No pooled connection became free within the acquire timeout.
        public static let poolExhausted = Code("poolExhausted")
        /// The server cancelled a statement because it ran past `statement_timeout`.
        public static let timeout = Code("timeout")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")
        /// The server answered with an error (see `sqlState`).
        public static let server = Code("server")
        /// A column value could not be decoded into the requested Swift type.
        public static let decoding = Code("decoding")
        /// The caller passed something unusable (bad identifier, wrong row width, too many parameters).
        public static let invalidArgument = Code("invalidArgument")
        /// The client was shut down.
        public static let closed = Code("closed")
        /// A migration file or directory is unusable, or a migration failed to apply.
        public static let migrationFailed = Code("migrationFailed")
        /// A migration that was already applied has been edited since.
        public static let migrationChecksumMismatch = Code("migrationChecksumMismatch")
    }

    public var code: Code
    /// The five-character SQLSTATE when the server sent one (e.g. `23505` unique violation).
    public var sqlState: String?
    /// Human-readable cause for logs; may contain server text, never shown to API clients.
    public var message: String
    /// Extra server detail (PG_DIAG_MESSAGE_DETAIL) for logs.
    public var detail: String?

    public init(code: Code, sqlState: String? = nil, message: String, detail: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
    }

    /// Generic on purpose: this is what may reach a client; use `logDescription` for logs.
    public var description: String {
        "PostgresError(\(code))"
    }

    /// Everything known about the failure, for logs only (may contain SQL and server text).
    public var logDescription: String {
        var text = "PostgresError(\(code))"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail, !detail.isEmpty { text += " (detail: \(detail))" }
        return text
    }

    /// True when the database is unreachable rather than the request being wrong: answer 503.
    public var isUnavailable: Bool {
        [.connectionFailed, .authenticationFailed, .poolExhausted, .closed, .timeout].contains(code)
    }

    /// True for SQLSTATE 23505: an insert hit a UNIQUE constraint (e.g. a duplicate webhook event).
    public var isUniqueViolation: Bool { sqlState == "23505" }
}

extension PostgresError {
    static func invalidURL(_ message: String) -> PostgresError {
        PostgresError(code: .invalidURL, message: message)
    }

    static func decoding(_ message: String) -> PostgresError {
        PostgresError(code: .decoding, message: message)
    }

    static func invalidArgument(_ message: String) -> PostgresError {
        PostgresError(code: .invalidArgument, message: message)
    }

    static let clientClosed = PostgresError(code: .closed, message: "the PostgreSQL client was shut down")
}
