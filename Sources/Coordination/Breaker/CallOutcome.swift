/// What a call did, for its service's breaker and health: the provider's own failures (5xx, 429, no
/// answer) are failures; a refused item (4xx) is the caller's problem and counts as a success.
public enum CallOutcome: Sendable, Hashable {
    case success(latencyMs: Int)
    case failure(latencyMs: Int, error: String)

    var latencyMs: Int {
        switch self {
        case .success(let latency), .failure(let latency, _): latency
        }
    }
}
