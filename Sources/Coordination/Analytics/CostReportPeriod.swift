import Foundation

/// The interval an analytics report covers, `[start, end)`, parsed from `?from=&to=`. Each bound is
/// a UTC date (`2026-12-01`: `from` starts at its midnight, `to` includes the whole day) or an
/// RFC 3339 instant (`2026-12-01T08:30:00Z`, `...+01:00`; `from` inclusive, `to` exclusive), in the
/// years 2000-2999.
///
/// Defaults: `to` missing, today included (up to tomorrow's midnight); `from` missing, 30 days
/// before `to` (with `to` a date or missing: the 30 UTC days ending on it). A report longer than
/// 366 days (a leap year) is refused rather than silently cut: the caller asks for what it gets.
/// Pure: the caller passes `now`.
public struct CostReportPeriod: Sendable, Hashable {
    public static let defaultDays: Int64 = 30
    public static let maximumDays: Int64 = 366

    /// Inclusive, Unix milliseconds.
    public let startMs: Int64
    /// Exclusive, Unix milliseconds.
    public let endMs: Int64

    public var start: Date { Date(timeIntervalSince1970: Double(startMs) / 1000) }
    public var end: Date { Date(timeIntervalSince1970: Double(endMs) / 1000) }
    /// The first and last UTC day holding part of the interval.
    public var firstDay: UTCDay { UTCDay(containingMs: startMs) }
    public var lastDay: UTCDay { UTCDay(containingMs: endMs - 1) }

    public init(startMs: Int64, endMs: Int64) {
        self.startMs = startMs
        self.endMs = endMs
    }

    /// Errors are `invalidInput` naming the field (`from` or `to`), with a message for the client.
    public static func parse(from: String?, to: String?, now: Date) throws(CoordinationError) -> CostReportPeriod {
        let endMs: Int64
        if let to {
            guard let bound = Bound(parsing: to) else { throw invalid("to") }
            endMs = bound.endMs
        } else {
            endMs = UTCDay(containing: now).advanced(by: 1).startMs
        }
        let startMs: Int64
        if let from {
            guard let bound = Bound(parsing: from) else { throw invalid("from") }
            startMs = bound.startMs
        } else {
            startMs = endMs - defaultDays * UTCDay.millisecondsPerDay
        }
        guard endMs > startMs else {
            throw CoordinationError(.invalidInput, operation: "read a report period",
                                    detail: "to must not be before from (to is inclusive when it is a date).", field: "to")
        }
        guard endMs - startMs <= maximumDays * UTCDay.millisecondsPerDay else {
            throw CoordinationError(.invalidInput, operation: "read a report period",
                                    detail: "A report covers at most \(maximumDays) days; narrow from and to.", field: "to")
        }
        return CostReportPeriod(startMs: startMs, endMs: endMs)
    }

    private static func invalid(_ field: String) -> CoordinationError {
        CoordinationError(.invalidInput, operation: "read a report period",
                          detail: "\(field) must be a date (YYYY-MM-DD) or an RFC 3339 instant (YYYY-MM-DDTHH:MM:SSZ or with an offset).",
                          field: field)
    }

    /// One bound as written: a whole day or an instant.
    enum Bound: Hashable {
        case day(UTCDay)
        case instant(ms: Int64)

        var startMs: Int64 {
            switch self {
            case .day(let day): day.startMs
            case .instant(let ms): ms
            }
        }

        /// A day as an upper bound includes the day.
        var endMs: Int64 {
            switch self {
            case .day(let day): day.advanced(by: 1).startMs
            case .instant(let ms): ms
            }
        }

        /// Years a bound may name: the ledger holds nothing older than this system, and four-digit
        /// years keep every bound and every answer valid RFC 3339 (the end of 9999-12-31 is not).
        static let years: ClosedRange<Int64> = 2000...2999

        /// `YYYY-MM-DD` (years 2000-2999), or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` with an uppercase `T`
        /// and `Z`, hours 00-23, minutes and seconds 00-59 (no leap second), fractions of up to 9
        /// digits kept to the millisecond. Exactly the pattern docs/openapi.json states.
        init?(parsing text: String) {
            let bytes = Array(text.utf8)
            guard bytes.count >= 10, let day = UTCDay(parsing: String(decoding: bytes[0..<10], as: UTF8.self)),
                  Self.years.contains(day.civil.year)
            else { return nil }
            if bytes.count == 10 {
                self = .day(day)
                return
            }
            var reader = Reader(bytes: bytes, index: 10)
            guard reader.skip("T"), let hour = reader.digits(2), hour <= 23, reader.skip(":"),
                  let minute = reader.digits(2), minute <= 59, reader.skip(":"),
                  let second = reader.digits(2), second <= 59
            else { return nil }
            var ms = day.startMs + (hour * 3600 + minute * 60 + second) * 1000
            if reader.skip(".") {
                var fraction: Int64 = 0, count = 0
                while let digit = reader.digits(1) {
                    if count < 3 { fraction = fraction * 10 + digit }
                    count += 1
                }
                guard (1...9).contains(count) else { return nil }
                for _ in min(count, 3)..<3 { fraction *= 10 }
                ms += fraction
            }
            if reader.skip("Z") {
            } else if let sign: Int64 = reader.skip("+") ? 1 : reader.skip("-") ? -1 : nil {
                guard let offsetHour = reader.digits(2), offsetHour <= 23, reader.skip(":"),
                      let offsetMinute = reader.digits(2), offsetMinute <= 59
                else { return nil }
                ms -= sign * (offsetHour * 60 + offsetMinute) * 60_000
            } else {
                return nil
            }
            guard reader.atEnd else { return nil }
            self = .instant(ms: ms)
        }
    }

    /// A cursor over ASCII bytes; every read is bounded by the input.
    private struct Reader {
        let bytes: [UInt8]
        var index: Int

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        /// Exactly `count` decimal digits, or nil (and nothing consumed).
        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
    }
}
