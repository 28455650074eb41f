import Logging
import Foundation

/// Reconnect delays: exponential growth with full jitter, so many nodes do not reconnect in lockstep.
public struct RedisBackoff: Sendable, Hashable {
    /// Delay before the first retry; small so a brief blip heals quickly.
    public var initial: Duration
    /// Upper bound of a delay, so a long outage is noticed quickly once Redis is back.
    public var maximum: Duration
    /// Growth factor per failed attempt.
    public var multiplier: Double
    /// Fraction of each delay that is randomised (0 = none, 1 = anywhere in [0, delay]).
    public var jitter: Double

    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(2),
                multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (0-based); `unit` is a random value in [0, 1).
    public func delay(attempt: Int, unit: Double) -> Duration {
        let initialSeconds = Self.seconds(initial)
        let maximumSeconds = max(Self.seconds(maximum), initialSeconds)
        let growth = Foundation.pow(max(multiplier, 1), Double(min(max(attempt, 0), 64)))
        let base = min(initialSeconds * growth, maximumSeconds)
        let spread = min(max(jitter, 0), 1)
        let seconds = base * (1 - spread * min(max(unit, 0), 1))
        return .nanoseconds(Int64(seconds * 1e9))
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.fractionalSeconds
    }
}
