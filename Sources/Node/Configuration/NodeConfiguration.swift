import Auth
import Coordination
import Foundation

/// Everything a node reads from its environment, validated once at start. Built by
/// `NodeConfiguration(environment:)` so tests can pass a dictionary instead of the process environment.
struct NodeConfiguration: Sendable {
    var devMode: Bool
    var httpHost: String
    var httpPort: Int
    var nodeID: String
    /// First part of every Redis key (`<prefix>:{<tag>}:<field>`): deployments sharing a Redis stay apart.
    var keyPrefix: String
    var redisURL: String
    var databaseURL: String
    var jwtSecret: [UInt8]
    /// RS256/ES256 verification keys (from PEM files), accepted beside the HS256 secret.
    var jwtPublicKeys: [JWTVerificationKey]
    var corsOrigins: [String]
    var publicURL: String
    var catalog: ServiceCatalog
    /// Per service, every secret accepted (several during a rotation).
    var webhookSecrets: [String: [String]]
    var sendgridPublicKey: String?
    /// Base URL per service (`COORD_UPSTREAM_<SERVICE>`); absent: the real provider's.
    var upstreams: [String: URL]
    /// Credential per service (`COORD_API_KEY_<SERVICE>`; Twilio `AccountSid:AuthToken`). Secret:
    /// never logged or echoed.
    var apiKeys: [String: String]
    /// CA bundle for upstream TLS instead of the system store (`COORD_TLS_CA_FILE`).
    var tlsCAFile: String?
    /// The whole of one upstream call, retries included (`COORD_UPSTREAM_TIMEOUT_MS`).
    var upstreamTimeoutMs: Int
    /// Keep-alive connections per provider origin per node (`COORD_UPSTREAM_MAX_CONNECTIONS`).
    var upstreamMaxConnections: Int
    /// The circuit breakers' policy, the same for every service (`COORD_BREAKER_*`).
    var breaker: BreakerPolicy
    var migrationsDirectory: URL
    var eventLoopCount: Int
    var shutdownGraceSeconds: Int
    /// Seconds between SIGTERM and closing the listener, while /readyz says "draining".
    var drainSeconds: Int
    /// One JSON access log line per request on stderr (`COORD_ACCESS_LOG=off` when a proxy logs already).
    var accessLog: Bool
    /// An unsettled budget reservation is released after this long (`COORD_RESERVATION_TTL_MS`).
    var reservationLifetimeMs: Int
    /// Outbox entries a node read but did not acknowledge for this long are claimed by another node
    /// (the first died mid-drain) (`COORD_LEDGER_CLAIM_IDLE_MS`).
    var ledgerClaimIdleMs: Int
    /// Requests one API client (JWT `sub`) may make per minute on `/api/v1`, cluster-wide; 0: no limit.
    var clientRateLimitPerMinute: Int

    /// The secret used in dev mode only; a node outside dev mode refuses to start without its own.
    static let devJWTSecret = "dev-only-secret-do-not-use-in-production"

    /// The highest per-client limit accepted: Redis holds one log entry (about 200 bytes, measured) per
    /// request in a client's window, so the cap bounds one client's memory (about 200 MB) against a typo.
    static let maxClientRateLimitPerMinute = 1_000_000
}
