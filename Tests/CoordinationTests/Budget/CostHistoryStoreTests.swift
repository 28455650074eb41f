import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// The ledger read against the test script's real PostgreSQL, at a fixed instant in the past (rows
/// carry explicit `at` values, so the figures do not depend on the wall clock).
@Suite struct CostHistoryStoreTests {
    static let now = SpendProjectionTests.at("2025-03-20T10:30:00Z")

    @Test func figuresOfAServiceWithLongHistory() async throws {
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        let steady = LedgerTestDatabase.service("steady")
        var rows: [LedgerTestDatabase.Row] = [
            // Before the window: only tells the store the service is older than the window.
            .init(at: "2025-02-10T12:00:00Z", service: steady, cost: 9_000_000),
            // Today, from its first instant; a saving (no cost) at 09:00; tomorrow is not counted.
            .init(at: "2025-03-20T00:00:00Z", service: steady, cost: 50_000),
            .init(at: "2025-03-20T08:15:00Z", service: steady, cost: 500_000),
            .init(at: "2025-03-20T09:00:00Z", service: steady, kind: "saved_batching", saved: 100_000),
            .init(at: "2025-03-20T10:00:00Z", service: steady, cost: 250_000),
            .init(at: "2025-03-21T00:00:00Z", service: steady, cost: 7_000_000),
        ]
        // $1 at noon on each day of March before today.
        for day in 1...19 {
            rows.append(.init(at: String(format: "2025-03-%02dT12:00:00Z", day), service: steady, cost: 1_000_000))
        }
        try await LedgerTestDatabase.insert(rows, into: postgres)

        let store = CostHistoryStore(postgres: postgres)
        let history = try #require(try await store.history(now: Self.now)[steady])
        #expect(history.monthToDateMicros == 19_800_000)
        #expect(history.trailingWeekMicros == 7_000_000)  // 13 to 19 March
        #expect(history.spentTodayMicros == 800_000)
        #expect(history.hoursElapsedToday == 10.5)
        // Older rows exist: history counts from the window's start (1 March, before the baseline's 6 March).
        #expect(history.historyStart == SpendProjectionTests.at("2025-03-01T00:00:00Z"))
        // 14 noons (6 to 19 March) and today's hours 00, 08, 09 (a saving: $0) and 10.
        #expect(history.hourly.count == 18)
        #expect(history.hourly.first == HourlySpend(hourStart: SpendProjectionTests.at("2025-03-06T12:00:00Z"), micros: 1_000_000))
        #expect(history.hourly.last == HourlySpend(hourStart: SpendProjectionTests.at("2025-03-20T10:00:00Z"), micros: 250_000))
        #expect(history.hourly.map(\.hourStart) == history.hourly.map(\.hourStart).sorted())

        let outlook = try #require(try await store.outlook(now: Self.now)[steady])
        // $1/day for the 11 days 13.5 h left in March.
        #expect(outlook.projectedMonthMicros == 19_800_000 + 11_562_500)
        #expect(outlook.projection.basis == .trailingWeek)
        // $0.80 over 10.5 h is well under $1 at one hour a day.
        #expect(outlook.anomaly == false)
        #expect(outlook.anomalyReason == nil)
        #expect(outlook.anomalyCheck.baselineHours == 336)
        #expect(outlook.anomalyCheck.meanMicrosPerHour == 41_667)
    }

    @Test func aServiceNewTodayAndOneLongQuiet() async throws {
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        let fresh = LedgerTestDatabase.service("fresh")
        let quiet = LedgerTestDatabase.service("quiet")
        try await LedgerTestDatabase.insert([
            .init(at: "2025-03-20T09:00:00Z", service: fresh, cost: 3_000_000),
            .init(at: "2025-03-20T10:00:00Z", service: fresh, cost: 3_000_000),
            .init(at: "2025-01-05T10:00:00Z", service: quiet, cost: 3_000_000),
        ], into: postgres)
        let store = CostHistoryStore(postgres: postgres)
        let outlook = try await store.outlook(now: Self.now)
        #expect(outlook[quiet] == nil, "no row in the window: absent, and quiet")
        let new = try #require(outlook[fresh])
        #expect(new.history.historyStart == SpendProjectionTests.at("2025-03-20T09:00:00Z"))
        #expect(new.history.trailingWeekMicros == 0)
        // 1.5 h observed for $6: $96/day for 277.5 h.
        #expect(new.projection.basis == .sinceFirstSpend)
        #expect(new.projectedMonthMicros == 6_000_000 + 1_110_000_000)
        #expect(new.anomaly)
        #expect(new.anomalyReason?.hasPrefix("today's spend rate $4.00/h is above $1.00/h with no baseline yet") == true,
                "\(new.anomalyReason ?? "nil")")
        let none = CostOutlook.quiet(service: quiet, now: Self.now)
        #expect(none.projectedMonthMicros == 0 && !none.anomaly)
    }

    /// The first hour of a month: month-to-date is only today, the week and the baseline are last month.
    @Test func firstHourOfAMonth() async throws {
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        let service = LedgerTestDatabase.service("monthstart")
        var rows: [LedgerTestDatabase.Row] = [.init(at: "2025-04-01T00:10:00Z", service: service, cost: 40_000)]
        for day in 10...31 {
            rows.append(.init(at: String(format: "2025-03-%02dT06:00:00Z", day), service: service, cost: 2_000_000))
        }
        try await LedgerTestDatabase.insert(rows, into: postgres)
        let now = SpendProjectionTests.at("2025-04-01T00:30:00Z")
        let outlook = try #require(try await CostHistoryStore(postgres: postgres).outlook(now: now)[service])
        #expect(outlook.history.monthToDateMicros == 40_000)
        #expect(outlook.history.trailingWeekMicros == 14_000_000)
        // Rows from 10 March, before the window read (18 March, 14 days before today): history counts
        // from the window's start.
        #expect(outlook.history.historyStart == SpendProjectionTests.at("2025-03-18T00:00:00Z"))
        // $2/day for 29 days 23.5 h.
        #expect(outlook.projectedMonthMicros == 40_000 + 59_958_333)
        #expect(!outlook.anomaly)
    }

    @Test func postgresDownIsHistoryUnavailable() async throws {
        let postgres = try PostgresClient(url: "postgres://postgres@127.0.0.1:\(LoopbackPort.free())/postgres")
        defer { postgres.shutdown() }
        let error = await #expect(throws: CoordinationError.self) {
            _ = try await CostHistoryStore(postgres: postgres).history(now: Self.now)
        }
        #expect(error?.code == .historyUnavailable)
    }
}
