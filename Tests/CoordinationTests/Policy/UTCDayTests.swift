import Foundation
import Testing
@testable import Coordination

/// UTC civil dates from integers, checked against Foundation's Gregorian calendar in UTC.
@Suite struct UTCDayTests {
    static func gregorianUTC() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    @Test(arguments: [
        ("1970-01-01", 0 as Int64), ("1969-12-31", -1), ("2000-02-29", 11_016), ("2026-12-01", 20_788),
        ("2028-02-29", 21_243), ("2100-03-01", 47_541), ("0000-03-01", -719_468),
    ])
    func knownDays(text: String, days: Int64) throws {
        let day = try #require(UTCDay(parsing: text))
        #expect(day.daysSinceEpoch == days)
        #expect(day.description == text)
    }

    @Test(arguments: ["2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "26-01-01",
                      "2026-01-01T", "2026/01/01", "２026-01-01", "", "2026-01-0a"])
    func refusesWhatIsNotADay(text: String) {
        #expect(UTCDay(parsing: text) == nil)
    }

    @Test(arguments: [
        // (year, month, days in month)
        (2026 as Int64, 1 as Int64, 31 as Int64), (2026, 2, 28), (2028, 2, 29), (2100, 2, 28), (2000, 2, 29),
        (2026, 4, 30), (2026, 11, 30), (2026, 12, 31),
    ])
    func monthLengthsAndEdges(year: Int64, month: Int64, length: Int64) throws {
        #expect(UTCDay.daysInMonth(year: year, month: month) == length)
        let first = try #require(UTCDay(year: year, month: month, day: 1))
        let last = try #require(UTCDay(year: year, month: month, day: length))
        #expect(last.firstOfMonth == first)
        #expect(first.firstOfNextMonth == last.advanced(by: 1))
        #expect(last.firstOfNextMonth.civil.day == 1)
    }

    /// Every 7th day from 1584 to 2380 agrees with Foundation (whose Gregorian calendar is Julian
    /// before October 1582; ours is proleptic, as PostgreSQL's is).
    @Test func agreesWithFoundation() throws {
        let calendar = Self.gregorianUTC()
        var days: Int64 = -141_000
        while days < 150_000 {
            let day = UTCDay(daysSinceEpoch: days)
            let parts = calendar.dateComponents([.year, .month, .day], from: day.start)
            let civil = day.civil
            #expect(Int64(parts.year!) == civil.year && Int64(parts.month!) == civil.month && Int64(parts.day!) == civil.day,
                    "\(day) vs \(parts)")
            #expect(UTCDay(year: civil.year, month: civil.month, day: civil.day) == day)
            days += 7
        }
    }

    @Test func instantsLandOnTheirDay() {
        #expect(UTCDay(containingMs: 0).description == "1970-01-01")
        #expect(UTCDay(containingMs: -1).description == "1969-12-31")
        #expect(UTCDay(containingMs: 86_399_999).description == "1970-01-01")
        #expect(UTCDay(containingMs: 86_400_000).description == "1970-01-02")
        #expect(UTCDay(containing: Date(timeIntervalSince1970: 1_796_083_199.999)).description == "2026-11-30")
        #expect(UTCDay(containing: Date(timeIntervalSince1970: 1_796_083_200)).description == "2026-12-01")
    }
}
