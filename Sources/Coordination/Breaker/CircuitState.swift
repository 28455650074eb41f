/// A service's circuit breaker, shared by every node through Redis.
public enum CircuitState: String, Sendable, Hashable, Codable {
    /// Calls go through; outcomes are counted in the sliding window.
    case closed
    /// The provider is failing: calls fail fast (503) until the wait is over.
    case open
    /// After the wait: a bounded number of trial calls (cluster-wide) decide whether it closes.
    case halfOpen
}
