/// The one place a `Duration` becomes a number of milliseconds or seconds. One rule for whole units:
/// toward zero (a figure in a log, a TTL argument), except where a wait is derived from it, which
/// rounds up (`...RoundedUp`: a poll or a statement timeout must never be shorter than asked, or a
/// sub-millisecond remainder becomes a busy loop). Fractional forms are exact. Logs, metrics, Redis
/// and PostgreSQL arguments and policy arithmetic all use these.
extension Duration {
    /// Whole milliseconds, rounded toward zero.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole microseconds, rounded toward zero.
    public var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Milliseconds as a fraction (latencies, percentiles).
    public var fractionalMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// Seconds as a fraction (rates, token refills).
    public var fractionalSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded up (for waits and timeouts).
    public var millisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let remainder = attoseconds % 1_000_000_000_000_000
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000 + (remainder > 0 ? 1 : 0)
    }

    /// Whole seconds, rounded up (for waits and timeouts).
    public var secondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }
}
