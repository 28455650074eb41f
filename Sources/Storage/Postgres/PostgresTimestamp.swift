import Foundation

/// Converts between `Date` and PostgreSQL's timestamp representations without a `Calendar`, so the
/// result never depends on the process's locale or time zone.
enum PostgresTimestamp {
    /// 2000-01-01 (PostgreSQL's epoch) minus 2001-01-01 (Foundation's reference date), in µs.
    private static let referenceOffsetMicros: Int64 = -31_622_400_000_000

    /// Rounded to the microsecond, PostgreSQL's resolution.
    static func microsecondsSince2000(_ date: Date) -> Int64 {
        let micros = (date.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        guard micros.isFinite, abs(micros) < 9.0e18 else { return micros < 0 ? .min : .max }
        return Int64(micros) - referenceOffsetMicros
    }

    static func date(microsecondsSince2000 micros: Int64) -> Date {
        Date(timeIntervalSinceReferenceDate: Double(micros + referenceOffsetMicros) / 1_000_000)
    }

    /// Parses the ISO text output of `timestamptz`, `timestamp` (taken as UTC) and `date`:
    /// `YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH[:MM[:SS]]]`. The session runs with TimeZone=UTC.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(minDigits: 4), scanner.skip("-"),
            let month = scanner.number(exactDigits: 2), scanner.skip("-"),
            let day = scanner.number(exactDigits: 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        var micros: Int64 = 0
        if scanner.skip(" ") {
            guard let hour = scanner.number(exactDigits: 2), scanner.skip(":"),
                let minute = scanner.number(exactDigits: 2), scanner.skip(":"),
                let second = scanner.number(exactDigits: 2)
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
            if scanner.skip(".") {
                guard let (fraction, digits) = scanner.fraction(), digits <= 6 else { return nil }
                var scaled = fraction
                for _ in digits..<6 { scaled *= 10 }
                micros = scaled
            }
            if let sign = scanner.sign() {
                guard let offsetHours = scanner.number(exactDigits: 2) else { return nil }
                var offset = offsetHours * 3600
                if scanner.skip(":") {
                    guard let offsetMinutes = scanner.number(exactDigits: 2) else { return nil }
                    offset += offsetMinutes * 60
                    if scanner.skip(":") {
                        guard let offsetSeconds = scanner.number(exactDigits: 2) else { return nil }
                        offset += offsetSeconds
                    }
                }
                seconds -= sign * offset
            }
        }
        guard scanner.atEnd else { return nil }  // e.g. " BC": out of the range we store
        // PostgreSQL stores years up to 294276: past ~294247 microseconds overflow Int64, and a value
        // in the database must never trap the process that reads it.
        let (scaled, overflowA) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (unixMicros, overflowB) = scaled.addingReportingOverflow(micros)
        guard !overflowA, !overflowB else { return nil }
        return Date(timeIntervalSince1970: Double(unixMicros) / 1_000_000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over ASCII digits and separators; each read is bounded so no input can overflow.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    mutating func number(exactDigits: Int) -> Int64? {
        guard let (value, digits) = digits(max: exactDigits), digits == exactDigits else { return nil }
        return value
    }

    mutating func number(minDigits: Int) -> Int64? {
        guard let (value, digits) = digits(max: 9), digits >= minDigits else { return nil }
        return value
    }

    mutating func fraction() -> (Int64, Int)? { digits(max: 9) }

    private mutating func digits(max: Int) -> (Int64, Int)? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, count < max, (48...57).contains(bytes[index]) {
            value = value * 10 + Int64(bytes[index] - 48)
            index += 1
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }
}
