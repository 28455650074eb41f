import Foundation

/// What a service spent in one UTC hour (the ledger's `sum(cost_micros)` for that hour): the unit
/// the anomaly check compares, since spend follows the working day and a day total hides a spike.
public struct HourlySpend: Sendable, Hashable {
    /// The first instant of the hour (UTC, minutes and seconds zero).
    public var hourStart: Date
    public var micros: Int64

    public init(hourStart: Date, micros: Int64) {
        self.hourStart = hourStart
        self.micros = micros
    }

    public static let millisecondsPerHour: Int64 = 3_600_000

    /// The hour holding `ms` (Unix milliseconds), as the Unix milliseconds of its start.
    static func hourStartMs(containing ms: Int64) -> Int64 {
        ms / millisecondsPerHour * millisecondsPerHour - (ms % millisecondsPerHour < 0 ? millisecondsPerHour : 0)
    }
}
