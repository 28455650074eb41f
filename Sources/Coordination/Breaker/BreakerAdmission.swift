/// The breaker's answer for one call.
public struct BreakerAdmission: Sendable, Hashable {
    public let allowed: Bool
    public let state: CircuitState
    /// When retrying can succeed (0 when allowed).
    public let retryAfterMs: Int
    /// This call is a half-open trial: report its outcome with `trial: true` and its `trialID`.
    public let trial: Bool
    public let trialID: String
    /// Set when this admission moved the breaker (open -> halfOpen): the caller announces it, once.
    public let transition: CircuitState?
    public let atMs: Int64
}
