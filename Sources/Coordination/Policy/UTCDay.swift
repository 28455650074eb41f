import Foundation

/// A calendar day in UTC, as whole days since 1970-01-01. Budgets, projections and reports all
/// count days and months in UTC (as PostgreSQL's `at AT TIME ZONE 'UTC'` does), and integer civil
/// date arithmetic (H. Hinnant's `days_from_civil`) keeps that independent of the process's time
/// zone, locale and `Calendar` configuration.
public struct UTCDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let millisecondsPerDay: Int64 = 86_400_000

    public let daysSinceEpoch: Int64

    public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The day holding the instant `ms` (Unix milliseconds); rounds toward the past, so instants
    /// before 1970 land on the right day too.
    public init(containingMs ms: Int64) {
        daysSinceEpoch = ms / Self.millisecondsPerDay - (ms % Self.millisecondsPerDay < 0 ? 1 : 0)
    }

    public init(containing date: Date) { self.init(containingMs: Self.milliseconds(date)) }

    /// Nil unless `month` is 1...12 and `day` exists in that month (30 February is refused).
    public init?(year: Int64, month: Int64, day: Int64) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year): the shape of a `date` in SQL and in the API.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
              let day = Self.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// (year, month 1...12, day 1...31), after H. Hinnant's `civil_from_days`.
    public var civil: (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Midnight UTC at the start of the day, in Unix milliseconds.
    public var startMs: Int64 { daysSinceEpoch * Self.millisecondsPerDay }
    public var start: Date { Date(timeIntervalSince1970: Double(startMs) / 1000) }

    public func advanced(by days: Int64) -> UTCDay { UTCDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// The first day of this day's month.
    public var firstOfMonth: UTCDay { advanced(by: 1 - civil.day) }

    /// The first day of the next month: the end (exclusive) of this day's month.
    public var firstOfNextMonth: UTCDay {
        let (year, month, day) = civil
        return advanced(by: Self.daysInMonth(year: year, month: month) - day + 1)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = civil
        return Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }

    public static func < (lhs: UTCDay, rhs: UTCDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// Proleptic Gregorian: every fourth year is a leap year, except centuries not divisible by 400.
    public static func isLeapYear(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Unix milliseconds of `date`, rounded toward the past (a day boundary is never crossed early).
    public static func milliseconds(_ date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard ms.isFinite, abs(ms) < 9.0e15 else { return ms < 0 ? -9_000_000_000_000_000 : 9_000_000_000_000_000 }
        return Int64(ms)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
