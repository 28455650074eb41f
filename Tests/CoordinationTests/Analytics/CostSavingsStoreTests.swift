import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// The cost-savings report against the test script's real PostgreSQL: UTC days, kinds, bounds.
@Suite struct CostSavingsStoreTests {
    @Test func perServiceAndDayWithTotals() async throws {
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        let a = LedgerTestDatabase.service("savings-a"), b = LedgerTestDatabase.service("savings-b")
        // 2024-02-28/29 (a leap day) and 1 March; rows just outside the period on both sides.
        try await LedgerTestDatabase.insert([
            .init(at: "2024-02-27T23:59:59.999Z", service: a, cost: 1_000_000_000),
            .init(at: "2024-02-28T00:00:00Z", service: a, cost: 50_000),
            .init(at: "2024-02-28T10:00:00Z", service: a, kind: "saved_batching", saved: 20_000),
            .init(at: "2024-02-28T23:59:59.999Z", service: a, kind: "saved_dedup", saved: 5_000),
            .init(at: "2024-02-29T12:00:00Z", service: a, cost: 70_000),
            .init(at: "2024-02-29T12:00:00Z", service: b, cost: 2_000_000),
            .init(at: "2024-02-29T13:00:00Z", service: b, kind: "saved_batching", saved: 1_500_000),
            .init(at: "2024-03-01T00:00:00Z", service: b, cost: 1_000_000_000),
        ], into: postgres)
        let period = try CostReportPeriod.parse(from: "2024-02-28", to: "2024-02-29", now: Date())
        let report = try await CostSavingsStore(postgres: postgres).report(period)
        let mine = report.days.filter { $0.service == a || $0.service == b }
        #expect(mine.map { "\($0.day) \($0.service)" } == ["2024-02-28 \(a)", "2024-02-29 \(a)", "2024-02-29 \(b)"])
        #expect(mine[0].figures == CostSavings(costMicros: 50_000, savedBatchingMicros: 20_000, savedDedupMicros: 5_000,
                                               savedMicros: 25_000, events: 3))
        #expect(mine[1].figures == CostSavings(costMicros: 70_000, events: 1))
        #expect(mine[2].figures == CostSavings(costMicros: 2_000_000, savedBatchingMicros: 1_500_000, savedMicros: 1_500_000, events: 2))
        #expect(report.byService[a] == CostSavings(costMicros: 120_000, savedBatchingMicros: 20_000, savedDedupMicros: 5_000,
                                                   savedMicros: 25_000, events: 4))
        #expect(report.byService[b]?.savingsRatio == 1_500_000.0 / 3_500_000.0)
        // Other tests may have rows in 2024: the overall total is at least ours and equals the days'.
        #expect(report.total.costMicros >= 2_120_000)
        #expect(report.total.events == report.days.reduce(0) { $0 + $1.figures.events })
    }

    /// Instants: an hour-wide period holds one row; the bound `to` is exclusive.
    @Test func instantBounds() async throws {
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        let service = LedgerTestDatabase.service("savings-i")
        try await LedgerTestDatabase.insert([
            .init(at: "2023-07-01T09:59:59Z", service: service, cost: 1),
            .init(at: "2023-07-01T10:00:00Z", service: service, cost: 10),
            .init(at: "2023-07-01T10:59:59.999Z", service: service, cost: 100),
            .init(at: "2023-07-01T11:00:00Z", service: service, cost: 1_000),
        ], into: postgres)
        let period = try CostReportPeriod.parse(from: "2023-07-01T12:00:00+02:00", to: "2023-07-01T11:00:00Z", now: Date())
        let report = try await CostSavingsStore(postgres: postgres).report(period)
        #expect(report.byService[service] == CostSavings(costMicros: 110, events: 2))
    }
}
