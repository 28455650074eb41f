import Logging

/// Turns a running total (events delivered since start) into a rate per second between two
/// readings. Pure: the caller passes the instant of each reading.
public struct RateMeter<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration, Instant: Sendable {
    private var previous: (at: Instant, total: Int)?
    /// The rate measured at the last reading (0 before two readings).
    public private(set) var lastRate: Double = 0

    public init() {}

    /// Records `total` at `now` and returns the rate since the previous reading.
    public mutating func record(total: Int, now: Instant) -> Double {
        if let previous {
            let seconds = previous.at.duration(to: now).fractionalSeconds
            lastRate = seconds > 0 ? Double(total - previous.total) / seconds : 0
        }
        previous = (now, total)
        return lastRate
    }
}
