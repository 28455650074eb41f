/// When a service's breaker opens and how it recovers (`COORD_BREAKER_*`, the same for every service).
public struct BreakerPolicy: Sendable, Equatable {
    /// The sliding window the error rate is computed over.
    public var windowMs: Int = 30_000
    /// Fewer calls than this in the window never open it on the error rate.
    public var minimumCalls: Int = 10
    /// Failures / calls in the window at which it opens (0...1).
    public var errorRateToOpen: Double = 0.5
    /// Or this many failures in a row.
    public var consecutiveFailuresToOpen: Int = 5
    /// The first wait while open; doubled on each re-opening (a failed trial), up to `openMaxMs`.
    public var openBaseMs: Int = 5_000
    public var openMaxMs: Int = 60_000
    /// Trial calls allowed at once in half-open, across all nodes.
    public var halfOpenTrials: Int = 2
    /// A trial's slot is freed after this long even if its node never reports (it died mid-call).
    public var trialLeaseMs: Int = 30_000

    public init() {}
}
