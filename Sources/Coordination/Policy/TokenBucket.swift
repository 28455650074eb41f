import Logging

/// A token bucket: `burst` tokens at once, refilled at `perSecond`. Pure arithmetic over the instants
/// it is given (no clock read inside), so it is tested with a fake clock and used with any real one.
/// Used for each realtime connection's message budget; per-service limits live in Redis instead.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration, Instant: Sendable {
    /// Tokens allowed at once.
    public let burst: Double
    /// Tokens added per second after the burst.
    public let perSecond: Double
    private var tokens: Double
    private var updatedAt: Instant
    /// Takes refused since the last one allowed (a sender that keeps going past its budget is not
    /// a well-behaved client; callers may act once this grows large).
    public private(set) var refusedInARow = 0

    /// A full bucket at `now`.
    public init(burst: Int, perSecond: Int, now: Instant) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        tokens = Double(burst)
        updatedAt = now
    }

    /// Spends `cost` tokens if the bucket holds them at `now`; refills first. Instants earlier than
    /// the last one seen refill nothing (time never runs backwards here).
    public mutating func take(_ cost: Double = 1, now: Instant) -> Bool {
        let seconds = updatedAt.duration(to: now).fractionalSeconds
        if seconds > 0 {
            tokens = min(burst, tokens + seconds * perSecond)
            updatedAt = now
        }
        guard tokens >= cost else {
            refusedInARow += 1
            return false
        }
        tokens -= cost
        refusedInARow = 0
        return true
    }
}
