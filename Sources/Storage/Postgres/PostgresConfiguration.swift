import Logging

/// Everything needed to open and pool PostgreSQL sessions, parsed once from a URL at start-up.
public struct PostgresConfiguration: Sendable, Hashable {
    /// libpq `sslmode` values; `prefer` is libpq's own default.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Host name, IP address, or (when it starts with `/`) a Unix socket directory.
    public var host: String
    public var port: Int
    public var user: String
    /// Never logged; handed to libpq as a keyword value only.
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// Connections kept at most; waiters beyond it queue. 10 fits the default `max_connections` of
    /// 100 for several nodes at once.
    public var poolSize: Int
    /// How long a caller waits for a pooled connection before `poolExhausted`.
    public var acquireTimeout: Duration
    /// libpq `connect_timeout` (whole seconds, at least 2 as libpq enforces): bounds each connect.
    public var connectTimeout: Duration
    /// Server-side `statement_timeout`; `nil` keeps the server's setting.
    public var statementTimeout: Duration?
    /// Shown in `pg_stat_activity`, so operators can tell the nodes' sessions apart.
    public var applicationName: String

    public init(
        host: String = "127.0.0.1",
        port: Int = 5432,
        user: String = "postgres",
        password: String? = nil,
        database: String = "postgres",
        tlsMode: TLSMode = .prefer,
        poolSize: Int = 10,
        acquireTimeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(5),
        statementTimeout: Duration? = nil,
        applicationName: String = "coordinator"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
    }

    /// Checks the values a URL or a caller could get wrong, before any connection is tried.
    func validated() throws(PostgresError) -> PostgresConfiguration {
        guard !host.isEmpty else { throw .invalidURL("missing host") }
        guard (1...65535).contains(port) else { throw .invalidURL("port \(port) is out of range") }
        guard !user.isEmpty else { throw .invalidURL("missing user") }
        guard !database.isEmpty else { throw .invalidURL("missing database name") }
        guard (1...1000).contains(poolSize) else { throw .invalidURL("pool size must be 1...1000") }
        guard acquireTimeout > .zero, connectTimeout > .zero else {
            throw .invalidURL("timeouts must be positive")
        }
        if let statementTimeout, statementTimeout <= .zero {
            throw .invalidURL("statement timeout must be positive")
        }
        for value in [host, user, password ?? "", database, applicationName] where value.utf8.contains(0) {
            throw .invalidURL("connection parameters may not contain NUL bytes")
        }
        return self
    }

    /// The keyword/value pairs given to `PQconnectdbParams`: values are never spliced into a
    /// conninfo string, so quotes or spaces in a password cannot inject parameters.
    var libpqParameters: [(String, String)] {
        var parameters: [(String, String)] = [
            ("host", host),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
            ("sslmode", tlsMode.rawValue),
            ("connect_timeout", String(max(2, Self.wholeSeconds(connectTimeout)))),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            // A host that vanished must surface as an error, not a hang: drop the socket when sent
            // data stays unacknowledged (a running query's bytes are acknowledged at once, so long
            // queries are unaffected), and probe a silent socket after 10 s (about 25 s to fail).
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", String(max(10_000, Self.milliseconds(connectTimeout) * 2))),
            ("options", sessionOptions),
        ]
        if let password { parameters.append(("password", password)) }
        return parameters
    }

    /// Fixed text formats that the row decoder relies on (UTC ISO timestamps).
    private var sessionOptions: String {
        var options = "-c TimeZone=UTC -c DateStyle=ISO,MDY -c extra_float_digits=1"
        if let statementTimeout {
            options += " -c statement_timeout=\(max(1, Self.milliseconds(statementTimeout)))"
        }
        return options
    }

    static func milliseconds(_ duration: Duration) -> Int64 { duration.wholeMilliseconds }

    static func wholeSeconds(_ duration: Duration) -> Int64 { duration.secondsRoundedUp }
}
