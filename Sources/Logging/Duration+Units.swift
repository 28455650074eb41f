/// The one place a `Duration` becomes a number of milliseconds or seconds, with one rounding rule:
/// toward zero for whole units (a timeout of 1.9 ms is "1 ms", never more than was asked), exact for
/// fractional ones. Logs, metrics, Redis arguments and policy arithmetic all use these.
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
}
