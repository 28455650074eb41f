import Auth
import Coordination
import Foundation

extension NodeConfiguration {
    /// Reads and validates the `COORD_*` variables; the first problem found is thrown, naming its variable.
    init(environment env: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(env)
        devMode = try reader.bool("COORD_DEV_MODE", default: false)
        httpHost = reader.string("COORD_HTTP_HOST", default: "127.0.0.1")
        httpPort = try reader.int("COORD_HTTP_PORT", default: 8080, range: 0...65535)
        // Long host names (pods, FQDNs) are cut so the default id always passes the check below.
        let hostName = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "node"
        let safeHost = String(hostName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }.prefix(40))
        nodeID = reader.string("COORD_NODE_ID", default: "\(safeHost.isEmpty ? "node" : safeHost)-\(httpPort)")
        guard nodeID.count <= 64, nodeID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ConfigurationError(variable: "COORD_NODE_ID", problem: "must be 1-64 characters of letters, digits, '-', '_' or '.'")
        }
        keyPrefix = reader.string("COORD_KEY_PREFIX", default: "coord")
        guard (1...32).contains(keyPrefix.count),
              keyPrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ConfigurationError(variable: "COORD_KEY_PREFIX", problem: "must be 1-32 characters of letters, digits, '-', '_' or '.'")
        }
        redisURL = reader.string("COORD_REDIS_URL", default: "redis://127.0.0.1:6379")
        guard redisURL.hasPrefix("redis://") else {
            throw ConfigurationError(variable: "COORD_REDIS_URL", problem: "must be a redis://[user:password@]host:port[/db] URL")
        }
        databaseURL = reader.string("COORD_DATABASE_URL", default: "postgres://postgres@127.0.0.1:5432/coordinator")
        guard databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") else {
            throw ConfigurationError(variable: "COORD_DATABASE_URL", problem: "must be a postgres://user:password@host:port/db URL")
        }
        if let secret = env["COORD_JWT_SECRET"], !secret.isEmpty {
            guard secret.utf8.count >= 32 else {
                throw ConfigurationError(variable: "COORD_JWT_SECRET", problem: "must be at least 32 bytes (HS256 needs a 256-bit secret)")
            }
            jwtSecret = Array(secret.utf8)
        } else if devMode {
            jwtSecret = Array(Self.devJWTSecret.utf8)
        } else {
            throw ConfigurationError(variable: "COORD_JWT_SECRET", problem: "is required outside dev mode (set COORD_DEV_MODE=1 for a local dev secret)")
        }
        jwtPublicKeys = try reader.list("COORD_JWT_PUBLIC_KEYS").map { path throws(ConfigurationError) in
            try Self.publicKey(atPath: path)
        }
        corsOrigins = try reader.list("COORD_CORS_ORIGINS").map { origin throws(ConfigurationError) in
            guard origin == "*" || Self.isOrigin(origin) else {
                throw ConfigurationError(variable: "COORD_CORS_ORIGINS", problem: "'\(origin)' is not an origin like https://app.example.com[:port] or *")
            }
            return origin
        }
        publicURL = reader.string("COORD_PUBLIC_URL", default: "http://127.0.0.1:\(httpPort)")
        guard Self.isOrigin(publicURL) || (URL(string: publicURL)?.scheme.map { $0 == "http" || $0 == "https" } ?? false) else {
            throw ConfigurationError(variable: "COORD_PUBLIC_URL", problem: "must be an http(s) URL")
        }
        var catalog = ServiceCatalog.defaults
        if let path = env["COORD_SERVICES_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(variable: "COORD_SERVICES_FILE", problem: "cannot read '\(path)'")
            }
            do { catalog = try catalog.applying(overridesJSON: data) } catch {
                throw ConfigurationError(variable: "COORD_SERVICES_FILE", problem: error.message)
            }
        }
        self.catalog = catalog
        webhookSecrets = [:]
        upstreams = [:]
        apiKeys = [:]
        for service in catalog.names {
            let suffix = service.uppercased().replacingOccurrences(of: "-", with: "_")
            let secrets = reader.list("COORD_WEBHOOK_SECRET_\(suffix)")
            if !secrets.isEmpty { webhookSecrets[service] = secrets }
            if let raw = env["COORD_UPSTREAM_\(suffix)"], !raw.isEmpty {
                guard let url = URL(string: raw), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                    throw ConfigurationError(variable: "COORD_UPSTREAM_\(suffix)", problem: "must be an http(s) base URL")
                }
                upstreams[service] = url
            }
            // Never logged: the configuration's description does not print it.
            if let key = env["COORD_API_KEY_\(suffix)"], !key.isEmpty { apiKeys[service] = key }
        }
        sendgridPublicKey = env["COORD_SENDGRID_PUBLIC_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let key = sendgridPublicKey, Data(base64Encoded: key) == nil {
            throw ConfigurationError(variable: "COORD_SENDGRID_PUBLIC_KEY", problem: "must be base64 DER (as SendGrid shows it)")
        }
        migrationsDirectory = URL(fileURLWithPath: reader.string("COORD_MIGRATIONS_DIR", default: "migrations"))
        let cores = ProcessInfo.processInfo.activeProcessorCount
        eventLoopCount = try reader.int("COORD_EVENT_LOOPS", default: max(1, cores), range: 1...256)
        shutdownGraceSeconds = try reader.int("COORD_SHUTDOWN_GRACE_SECONDS", default: 10, range: 0...600)
        drainSeconds = try reader.int("COORD_DRAIN_SECONDS", default: 0, range: 0...300)
        accessLog = try reader.bool("COORD_ACCESS_LOG", default: true)
        reservationLifetimeMs = try reader.int("COORD_RESERVATION_TTL_MS", default: 600_000, range: 1_000...86_400_000)
        ledgerClaimIdleMs = try reader.int("COORD_LEDGER_CLAIM_IDLE_MS", default: 30_000, range: 1_000...3_600_000)
        clientRateLimitPerMinute = try reader.int("COORD_CLIENT_RATE_LIMIT_PER_MINUTE", default: 1_200,
                                                  range: 0...Self.maxClientRateLimitPerMinute)
        tlsCAFile = env["COORD_TLS_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = tlsCAFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError(variable: "COORD_TLS_CA_FILE", problem: "cannot read '\(file)'")
        }
        upstreamTimeoutMs = try reader.int("COORD_UPSTREAM_TIMEOUT_MS", default: 10_000, range: 100...120_000)
        upstreamMaxConnections = try reader.int("COORD_UPSTREAM_MAX_CONNECTIONS", default: 64, range: 1...4_096)
        var breaker = BreakerPolicy()
        breaker.windowMs = try reader.int("COORD_BREAKER_WINDOW_MS", default: breaker.windowMs, range: 1_000...3_600_000)
        breaker.minimumCalls = try reader.int("COORD_BREAKER_MIN_CALLS", default: breaker.minimumCalls, range: 1...1_000_000)
        let percent = try reader.int("COORD_BREAKER_ERROR_PERCENT", default: Int(breaker.errorRateToOpen * 100), range: 1...100)
        breaker.errorRateToOpen = Double(percent) / 100
        breaker.consecutiveFailuresToOpen = try reader.int("COORD_BREAKER_CONSECUTIVE_FAILURES",
                                                           default: breaker.consecutiveFailuresToOpen, range: 1...1_000_000)
        breaker.openBaseMs = try reader.int("COORD_BREAKER_OPEN_MS", default: breaker.openBaseMs, range: 100...3_600_000)
        breaker.openMaxMs = try reader.int("COORD_BREAKER_OPEN_MAX_MS", default: breaker.openMaxMs, range: breaker.openBaseMs...86_400_000)
        breaker.halfOpenTrials = try reader.int("COORD_BREAKER_HALF_OPEN_TRIALS", default: breaker.halfOpenTrials, range: 1...1_000)
        // A trial's slot outlives the longest call it can make (the upstream timeout), with a margin.
        breaker.trialLeaseMs = upstreamTimeoutMs * 2 + 1_000
        self.breaker = breaker
    }

    /// An RS256 or ES256 key from a PEM public key file; the key's type decides the algorithm it verifies.
    static func publicKey(atPath path: String) throws(ConfigurationError) -> JWTVerificationKey {
        guard let data = FileManager.default.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(variable: "COORD_JWT_PUBLIC_KEYS", problem: "cannot read '\(path)'")
        }
        if let key = try? JWTVerificationKey.rs256(pem: pem) { return key }
        if let key = try? JWTVerificationKey.es256(pem: pem) { return key }
        throw ConfigurationError(variable: "COORD_JWT_PUBLIC_KEYS",
                                 problem: "'\(path)' is not a PEM RSA (2048+ bits) or EC P-256 public key")
    }

    /// `scheme://host[:port]` with no path: what browsers send as `Origin`.
    static func isOrigin(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme, scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil
    }
}
