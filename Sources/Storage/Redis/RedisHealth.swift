/// A cheap snapshot of the client's connections for readiness endpoints (no round trip; pair it
/// with `ping()` when "the socket is up" is not enough).
public struct RedisHealth: Sendable, Hashable {
    /// Connections that are up and authenticated.
    public let connectedConnections: Int
    public let totalConnections: Int
    /// Why commands fail fast right now (e.g. refused, wrong password), when no connection is up.
    public let problem: RedisError?

    /// At least one connection can carry commands.
    public var isHealthy: Bool { connectedConnections > 0 }
}

extension RedisClient {
    public var health: RedisHealth {
        let connected = connections.filter(\.isReady).count
        let problem = connected > 0 ? nil : connections.lazy.compactMap(\.refusalReason).first
        return RedisHealth(connectedConnections: connected, totalConnections: connections.count, problem: problem)
    }
}
