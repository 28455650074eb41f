import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// A cost settled with the provider call it paid for reaches PostgreSQL as a `cost_events` row and
/// an `upstream_calls` row from one outbox entry, once, however often the entry is drained.
@Suite struct CallLedgerTests {
    @Test func aCallIsStoredWithItsCostOnce() async throws {
        let postgres = try await LedgerTestDatabase.client()
        let redis = try CostLedgerTests.redis()
        let keys = KeySpace(prefix: "callledger\(UInt32.random(in: 0...UInt32.max))")
        let service = LedgerTestDatabase.service("calls")
        let budgets = BudgetStore(redis: redis, postgres: postgres, keys: keys)
        _ = try await budgets.rebuildIfNeeded(service)
        let call = CallRecord(status: 402, outcome: "item_error", latencyMs: 37, items: 1, attempts: 2,
                              error: "card_declined: " + String(repeating: "x", count: 400))
        let event = UUID().uuidString.lowercased()
        _ = try await budgets.settle(Settlement(service: service, operation: "charges.create", costMicros: 1_500, units: 1,
                                                reservationID: nil, eventID: event, requestID: "req-1", nodeID: "node-a",
                                                defaultDailyLimitMicros: 1_000_000, defaultMonthlyBudgetMicros: 10_000_000,
                                                call: call))
        // A cost that was not a call adds no call row.
        _ = try await budgets.settle(Settlement(service: service, operation: "manual", costMicros: 5, units: 1, reservationID: nil,
                                                eventID: UUID().uuidString.lowercased(), requestID: "req-2", nodeID: "node-a",
                                                defaultDailyLimitMicros: 1_000_000, defaultMonthlyBudgetMicros: 10_000_000))
        let ledger = CostLedger(redis: redis, postgres: postgres, keys: keys)
        var inserted = 0
        for _ in 0..<3 { inserted += try await ledger.drain(service, consumer: "t", claimIdleMs: nil).costsInserted }
        #expect(inserted == 2)
        let rows = try await postgres.query("""
            SELECT event_id, operation, status, outcome, latency_ms, items, attempts, cost_micros, node_id, request_id, error
              FROM upstream_calls WHERE service = $1
            """, [.text(service)])
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(try row.decode(at: 0, as: String.self) == event)
        #expect(try row.decode(at: 1, as: String.self) == "charges.create")
        #expect(try row.decode(at: 2, as: Int64.self) == 402)
        #expect(try row.decode(at: 3, as: String.self) == "item_error")
        #expect(try row.decode(at: 4, as: Int64.self) == 37)
        #expect(try row.decode(at: 5, as: Int64.self) == 1)
        #expect(try row.decode(at: 6, as: Int64.self) == 2)
        #expect(try row.decode(at: 7, as: Int64.self) == 1_500)
        #expect(try row.decode(at: 8, as: String.self) == "node-a")
        #expect(try row.decode(at: 9, as: String.self) == "req-1")
        #expect(try row.decode(at: 10, as: String.self).count == CallRecord.maxErrorLength)
        // The same entry drained again (a node killed before acknowledging) stores nothing twice.
        let outbox = keys.service(service).ledgerOutbox
        _ = try await redis.send("XADD", arguments: [outbox, "*", "kind", "cost", "event", event, "service", service,
                                                     "operation", "charges.create", "cost", "1500", "units", "1", "reservation", "",
                                                     "request", "req-1", "node", "node-a", "at", "1796300000000",
                                                     "call_status", "402", "call_outcome", "item_error", "call_latency", "37",
                                                     "call_items", "1", "call_attempts", "2", "call_error", "x"]).throwingServerError()
        var again = 0
        for _ in 0..<2 { again += try await ledger.drain(service, consumer: "t", claimIdleMs: nil).acknowledged }
        #expect(again == 1)
        let count = try await postgres.query("SELECT count(*) FROM upstream_calls WHERE service = $1", [.text(service)])
        #expect(try count.first?.decode(at: 0, as: Int64.self) == 1)
        _ = try await redis.send("DEL", arguments: [keys.service(service).budget, outbox])
        postgres.shutdown()
    }
}
