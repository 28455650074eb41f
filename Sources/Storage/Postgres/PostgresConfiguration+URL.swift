import Foundation

extension PostgresConfiguration {
    /// Parses `postgres://user:password@host:port/db?sslmode=...` (or `postgresql://`).
    ///
    /// Query options besides `sslmode`: `pool_size`, `acquire_timeout_ms`, `connect_timeout` (seconds),
    /// `statement_timeout_ms`, `application_name`, and `host` (a Unix socket directory). Unknown
    /// options are refused so a typo does not silently change behaviour.
    public init(url: String) throws(PostgresError) {
        guard let components = URLComponents(string: url) else {
            throw .invalidURL("not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL("scheme must be postgres:// or postgresql://")
        }
        guard components.fragment == nil else { throw .invalidURL("unexpected #fragment") }
        var configuration = PostgresConfiguration()
        configuration.host = try Self.decoded(components.percentEncodedHost, "host") ?? ""
        if configuration.host.hasPrefix("["), configuration.host.hasSuffix("]") {
            configuration.host = String(configuration.host.dropFirst().dropLast())
        }
        if let port = components.port { configuration.port = port }
        if let user = try Self.decoded(components.percentEncodedUser, "user"), !user.isEmpty {
            configuration.user = user
        }
        configuration.password = try Self.decoded(components.percentEncodedPassword, "password")
        let path = components.percentEncodedPath
        if !path.isEmpty, path != "/" {
            let name = String(path.dropFirst())
            guard path.hasPrefix("/"), !name.contains("/") else {
                throw .invalidURL("the path must be a single database name")
            }
            configuration.database = try Self.decoded(name, "database") ?? ""
        }
        for item in components.queryItems ?? [] {
            try configuration.apply(option: item.name, value: item.value ?? "")
        }
        self = try configuration.validated()
    }

    private mutating func apply(option: String, value: String) throws(PostgresError) {
        switch option {
        case "sslmode":
            guard let mode = TLSMode(rawValue: value) else { throw .invalidURL("unknown sslmode '\(value)'") }
            tlsMode = mode
        case "pool_size":
            poolSize = try Self.integer(value, option)
        case "acquire_timeout_ms":
            acquireTimeout = .milliseconds(try Self.integer(value, option))
        case "connect_timeout":
            connectTimeout = .seconds(try Self.integer(value, option))
        case "statement_timeout_ms":
            statementTimeout = .milliseconds(try Self.integer(value, option))
        case "application_name":
            applicationName = value
        case "host":
            host = value
        default:
            throw .invalidURL("unknown option '\(option)'")
        }
    }

    private static func integer(_ text: String, _ option: String) throws(PostgresError) -> Int {
        guard let value = Int(text), value > 0 else {
            throw .invalidURL("option \(option) must be a positive integer")
        }
        return value
    }

    private static func decoded(_ text: String?, _ part: String) throws(PostgresError) -> String? {
        guard let text else { return nil }
        guard let value = text.removingPercentEncoding else { throw .invalidURL("bad percent-encoding in \(part)") }
        return value
    }
}

extension PostgresConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// Safe to log: the password is never printed.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        return "postgres://\(credentials)@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)&pool_size=\(poolSize)"
    }

    public var debugDescription: String { description }
}
