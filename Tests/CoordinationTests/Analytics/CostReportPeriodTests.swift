import Foundation
import Testing
@testable import Coordination

/// `?from=&to=` of the analytics reports: dates and RFC 3339 instants, defaults, and the refusals.
@Suite struct CostReportPeriodTests {
    static let now = SpendProjectionTests.at("2026-12-15T10:20:30Z")

    static func ms(_ text: String) -> Int64 { UTCDay.milliseconds(SpendProjectionTests.at(text)) }

    @Test(arguments: [
        // (from, to, start, end)
        (nil as String?, nil as String?, "2026-11-16T00:00:00Z" as String, "2026-12-16T00:00:00Z" as String),
        ("2026-12-01", "2026-12-31", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2026-12-03", "2026-12-03", "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z"),
        ("2026-12-01", nil, "2026-12-01T00:00:00Z", "2026-12-16T00:00:00Z"),
        (nil, "2026-06-30", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z"),
        ("2026-12-01T08:30:00Z", "2026-12-02T08:30:00Z", "2026-12-01T08:30:00Z", "2026-12-02T08:30:00Z"),
        ("2026-12-01T08:30:00.123456789Z", "2026-12-01T09:00:00.5Z", "2026-12-01T08:30:00.123Z", "2026-12-01T09:00:00.500Z"),
        ("2026-12-01T01:00:00+01:00", "2026-12-01T00:00:00-05:30", "2026-12-01T00:00:00Z", "2026-12-01T05:30:00Z"),
        (nil, "2026-12-10T12:00:00Z", "2026-11-10T12:00:00Z", "2026-12-10T12:00:00Z"),
        ("2024-01-01", "2024-12-31", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),  // 366 days: the cap itself
        ("2028-02-29", "2028-02-29", "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z"),
    ])
    func parses(from: String?, to: String?, start: String, end: String) throws {
        let period = try CostReportPeriod.parse(from: from, to: to, now: Self.now)
        #expect(period.startMs == Self.ms(start))
        #expect(period.endMs == Self.ms(end))
    }

    @Test func daysOfThePeriod() throws {
        let whole = try CostReportPeriod.parse(from: "2026-12-01", to: "2026-12-31", now: Self.now)
        #expect(whole.firstDay.description == "2026-12-01" && whole.lastDay.description == "2026-12-31")
        let instants = try CostReportPeriod.parse(from: "2026-12-01T23:00:00Z", to: "2026-12-03T00:00:00Z", now: Self.now)
        #expect(instants.firstDay.description == "2026-12-01" && instants.lastDay.description == "2026-12-02")
    }

    @Test(arguments: [
        // (from, to, field)
        ("2026-02-30" as String?, nil as String?, "from"), ("2026-13-01", nil, "from"), ("yesterday", nil, "from"), ("", nil, "from"),
        ("2026-12-01T24:00:00Z", nil, "from"), ("2026-12-01T10:00:60Z", nil, "from"), ("2026-12-01T10:00:00", nil, "from"),
        ("2026-12-01t10:00:00z", nil, "from"), ("2026-12-01 10:00:00Z", nil, "from"), ("2026-12-01T10:00:00.Z", nil, "from"),
        ("2026-12-01T10:00:00.1234567890Z", nil, "from"), ("2026-12-01T10:00:00+0100", nil, "from"),
        ("2026-12-01T10:00:00 01:00", nil, "from"), ("2026-12-01T10:00Z", nil, "from"), ("1764547200", nil, "from"),
        ("2026-12-01Z", nil, "from"), ("2026-12-01T10:00:00Z ", nil, "from"),
        (nil, "2026-12-32", "to"), (nil, "12/01/2026", "to"), ("1999-12-31", nil, "from"), (nil, "3000-01-01", "to"),
        // Order and length.
        ("2026-12-02", "2026-12-01", "to"),
        ("2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z", "to"),
        ("2026-12-01T10:00:00Z", "2026-12-01T09:59:59.999Z", "to"),
        ("2024-01-01", "2025-01-01", "to"),  // 367 days
        ("2026-01-01T00:00:00Z", "2027-01-02T00:00:00.001Z", "to"),
        ("2020-01-01", nil, "to"),
    ])
    func refuses(from: String?, to: String?, field: String) {
        let error = #expect(throws: CoordinationError.self) {
            _ = try CostReportPeriod.parse(from: from, to: to, now: Self.now)
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == field)
    }

    /// What the parser accepts is exactly what the OpenAPI pattern says (docs/openapi.json).
    @Test func matchesTheDocumentedPattern() throws {
        let pattern = try Regex(#"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"#)
        let samples = ["2026-12-01", "2026-02-30", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.5+05:30", "2026-12-01T24:00:00Z",
                       "2026-12-01T10:00:00", "2026-12-01T10:00:00.1234567890Z", "0000-01-01", "2999-12-31T23:59:59.999999999-23:59", "2000-01-01T00:00:00+23:59",
                       "2026-04-31", "2026-12-01T10:00:00+24:00", "x", ""]
        for sample in samples {
            let matches = sample.wholeMatch(of: pattern) != nil
            let parses = CostReportPeriod.Bound(parsing: sample) != nil
            // A day that does not exist (30 February) matches the pattern but is refused.
            let impossibleDay = matches && UTCDay(parsing: sample.prefix(10)) == nil
            #expect(parses == (matches && !impossibleDay), "\(sample)")
        }
    }
}
