/// A service's health over the last 5 minutes, cluster-wide: circuit, latency percentiles, error
/// rate, the last error, calls per second for the last minute.
public struct ServiceHealth: Sendable, Hashable {
    public var circuit: CircuitState
    public var p50Ms: Int?
    public var p95Ms: Int?
    public var p99Ms: Int?
    /// Failures / calls in the last 5 minutes (0 without calls).
    public var errorRate: Double
    public var calls: Int
    public var lastError: String?
    public var lastErrorAtMs: Int64?
    public var checkedAtMs: Int64
    /// Calls per second, oldest first, for the 60 seconds before `checkedAtMs`.
    public var callsPerSecond: [Int]
}
