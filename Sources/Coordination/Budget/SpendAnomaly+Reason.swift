import Foundation

/// The verdict in words, for people: what was measured, against what, and the threshold crossed,
/// e.g. "today's spend rate $1.20/h is 4.3x the 14-day hourly mean $0.28/h (threshold $0.90/h)".
extension SpendAnomaly {
    /// Why, in words (both rates when both crossed, joined by "; "); nil when there is no anomaly.
    public var reason: String? {
        let hours = baselineHours
        let mean = hours == rule.baselineDays * 24
            ? "the \(rule.baselineDays)-day hourly mean \(Self.dollars(meanMicrosPerHour))/h"
            : "the hourly mean \(Self.dollars(meanMicrosPerHour))/h of the last \(hours) h"
        let threshold = "(threshold \(Self.dollars(thresholdMicrosPerHour))/h)"
        let none = "is above \(Self.dollars(thresholdMicrosPerHour))/h with no baseline yet (\(hours) h of history before today)"
        var reasons: [String] = []
        if todayMicrosPerHour > thresholdMicrosPerHour {
            let rate = "today's spend rate \(Self.dollars(todayMicrosPerHour))/h"
            reasons.append(hasBaseline ? "\(rate) is \(Self.times(todayMicrosPerHour, meanMicrosPerHour)) \(mean) \(threshold)" : "\(rate) \(none)")
        }
        if latestHourMicros > thresholdMicrosPerHour {
            let spent = "\(Self.dollars(latestHourMicros)) spent in the hour from \(Self.clock(latestHourStart)) UTC"
            reasons.append(hasBaseline ? "\(spent) is \(Self.times(latestHourMicros, meanMicrosPerHour)) \(mean) \(threshold)" : "\(spent) \(none)")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// `$1.20`; amounts under a cent keep four decimals (`$0.0042`) so a small mean is not shown as
    /// zero next to its multiple. Rounded half up from integer micros: no floating point.
    static func dollars(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        if magnitude > 0 && magnitude < 10_000 {
            let tenThousandths = (magnitude + 50) / 100
            return "\(sign)$0.\(String(repeating: "0", count: 4 - String(tenThousandths).count))\(tenThousandths)"
        }
        let cents = (magnitude + 5_000) / 10_000
        let fraction = cents % 100
        return "\(sign)$\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// "4.3x the" (a ratio, so a Double is fine), or "above" when the mean is zero.
    private static func times(_ rate: Int64, _ mean: Int64) -> String {
        guard mean > 0 else { return "above" }
        return String(format: "%.1fx", Double(rate) / Double(mean))
    }

    /// `HH:00` of an hour's start.
    private static func clock(_ date: Date) -> String {
        let ms = UTCDay.milliseconds(date)
        let hourOfDay = (ms - UTCDay(containingMs: ms).startMs) / HourlySpend.millisecondsPerHour
        return (hourOfDay < 10 ? "0" : "") + "\(hourOfDay):00"
    }
}
