import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// The budget scripts' calendar and levels (BudgetPrelude.lua) run in the test script's real Redis,
/// against Foundation's Gregorian calendar and `BudgetLevel` for a table of instants and amounts:
/// the day and month a cost counts in, and when each resets, must agree with PostgreSQL's UTC
/// periods the ledger is summed by (`UTCPeriod`).
@Suite struct BudgetPreludeTests {
    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    static let calendarProbe = RedisScript(lua: PackageResources.BudgetPrelude_lua + Array("""
        local days = tonumber(ARGV[1])
        local y, m, d = civil_from_days(days)
        local ny, nm = y, m + 1
        if nm > 12 then ny = y + 1; nm = 1 end
        return {y, m, d, days_from_civil(y, m, d), days_from_civil(ny, nm, 1)}
        """.utf8))

    static let levelProbe = RedisScript(lua: PackageResources.BudgetPrelude_lua + Array("""
        return level_of(tonumber(ARGV[1]), tonumber(ARGV[2]))
        """.utf8))

    /// Leap days, month and year ends, the epoch, far dates.
    static let instants: [String] = [
        "1970-01-01T00:00:00Z", "2024-02-28T23:59:59Z", "2024-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z",
        "2025-02-28T12:00:00Z", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z", "2026-04-30T10:00:00Z", "2026-12-03T16:00:00Z",
        "2000-02-29T00:00:00Z", "2100-02-28T00:00:00Z", "2100-03-01T00:00:00Z", "2399-12-31T00:00:00Z",
    ]

    @Test(arguments: instants) func theScriptsCalendarIsFoundations(_ text: String) async throws {
        let instant = try #require(ISO8601DateFormatter().date(from: text))
        let period = UTCPeriod(instant)
        let redis = try Self.redis()
        let reply = try await redis.run(Self.calendarProbe, args: [String(period.dayIndex)])
        let values = (reply.array ?? []).compactMap(\.integer)
        try #require(values.count == 5)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        #expect(values[0...2] == [Int64(parts.year!), Int64(parts.month!), Int64(parts.day!)][...])
        #expect(values[3] == period.dayIndex)
        #expect(values[0] * 12 + values[1] - 1 == period.monthIndex)
        #expect(Double(values[4]) * 86_400 == period.nextMonthStart.timeIntervalSince1970)
    }

    static let amounts: [(Int64, Int64)] = [
        (0, 100), (69, 100), (70, 100), (84, 100), (85, 100), (89, 100), (90, 100), (94, 100), (95, 100), (99, 100),
        (100, 100), (150, 100), (0, 0), (1, 0), (699_999, 1_000_000), (700_000, 1_000_000), (949_999, 1_000_000),
        (1_999_999_999_999, 2_000_000_000_000),
    ]

    @Test(arguments: amounts) func theScriptsLevelsAreBudgetLevels(_ amount: (Int64, Int64)) async throws {
        let redis = try Self.redis()
        let reply = try await redis.run(Self.levelProbe, args: [String(amount.0), String(amount.1)])
        #expect(reply.integer.flatMap { BudgetLevel(rawValue: Int($0)) } == BudgetLevel(used: amount.0, limit: amount.1))
    }

    static let saveProbe = RedisScript(lua: PackageResources.BudgetPrelude_lua + Array("""
        budget_save(KEYS[1], {day = 20000, month = 24311, dspent = tonumber(ARGV[1]), mspent = tonumber(ARGV[1]),
            reserved = 0, dalert = 0, malert = 0})
        return redis.call('HGET', KEYS[1], 'dspent')
        """.utf8))

    /// Amounts past Lua's "%.14g" (above $100M in micros) are stored digit for digit.
    @Test func largeAmountsAreStoredExactly() async throws {
        let redis = try Self.redis()
        let key = KeySpace(prefix: "prelude\(UInt32.random(in: 0...UInt32.max))").service("big").budget
        let reply = try await redis.run(Self.saveProbe, keys: [key], args: ["1234567890123456"])
        #expect(reply.string == "1234567890123456")
        _ = try await redis.send("DEL", key)
    }

    @Test func levelsAndPriorities() {
        #expect(BudgetLevel(used: 89, limit: 100) == .critical)
        #expect(BudgetLevel(used: 90, limit: 100) == .throttled)
        #expect(BudgetLevel(used: Int64.max - 1, limit: Int64.max) == .emergency)
        #expect(BudgetLevel.critical.admits(.low))
        #expect(!BudgetLevel.throttled.admits(.medium))
        #expect(BudgetLevel.throttled.admits(.high))
        #expect(!BudgetLevel.emergency.admits(.high))
        #expect(BudgetLevel.emergency.admits(.critical))
        #expect(!BudgetLevel.blocked.admits(.critical))
    }
}
