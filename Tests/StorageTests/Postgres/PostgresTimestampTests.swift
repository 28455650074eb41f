import Foundation
import Testing
@testable import Storage

@Suite struct PostgresTimestampTests {
    @Test(arguments: [
        ("2000-01-01 00:00:00+00", 946_684_800_000_000 as Int64),
        ("1970-01-01 00:00:00+00", 0),
        ("2026-11-29 06:53:22.123456+00", 1_795_935_202_123_456),
        ("2026-11-29 06:53:22.1+00", 1_795_935_202_100_000),
        ("2026-11-29 08:53:22+02", 1_795_935_202_000_000),
        ("2026-11-29 06:23:22-00:30", 1_795_935_202_000_000),
        ("1969-12-31 23:59:59.999999+00", -1),
        ("2024-02-29", 1_709_164_800_000_000),
        ("2024-02-29 12:00:00", 1_709_208_000_000_000),
    ])
    func parsesISOOutput(text: String, unixMicros: Int64) throws {
        let date = try #require(PostgresTimestamp.parse(text))
        #expect(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) == unixMicros)
    }

    @Test(arguments: ["", "2026-13-01", "2026-11-29 6:53:22", "2026-11-29 06:53:22.1234567+00", "0044-03-15 BC", "garbage",
                      "294276-12-31 23:59:59.999999+00"])
    func rejectsOtherText(text: String) {
        #expect(PostgresTimestamp.parse(text) == nil)
    }

    @Test func microsecondRoundTripThroughPostgresEpoch() {
        let date = Date(timeIntervalSince1970: 1_795_935_202.123456)
        let micros = PostgresTimestamp.microsecondsSince2000(date)
        #expect(micros == 1_795_935_202_123_456 - 946_684_800_000_000)
        #expect(PostgresTimestamp.microsecondsSince2000(PostgresTimestamp.date(microsecondsSince2000: micros)) == micros)
    }
}
