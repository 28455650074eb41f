import Foundation
import Storage
import Testing
import TestSupport
@testable import Coordination

/// The ledger's drain against the test script's real Redis and PostgreSQL.
@Suite struct CostLedgerTests {
    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    static func costFields(_ event: String, operation: String, cost: Int) -> [String] {
        ["kind", "cost", "event", event, "service", "svc", "operation", operation, "cost", String(cost), "units", "1",
         "reservation", "", "request", "r", "node", "n", "at", "1796300000000"]
    }

    /// An entry PostgreSQL refuses as data (a NUL in a text field) goes to the dead-letter list; the
    /// rest of its batch is stored and the outbox empties, so nothing behind it is held up.
    @Test func aPoisonEntryIsDeadLetteredAndTheRestStored() async throws {
        let postgres = try await LedgerTestDatabase.client()
        let redis = try Self.redis()
        let keys = KeySpace(prefix: "ledger\(UInt32.random(in: 0...UInt32.max))")
        let service = LedgerTestDatabase.service("poison")
        let ledger = CostLedger(redis: redis, postgres: postgres, keys: keys)
        let outbox = keys.service(service).ledgerOutbox
        let ids = (0..<3).map { _ in UUID().uuidString.lowercased() }
        for (index, id) in ids.enumerated() {
            var fields = Self.costFields(id, operation: index == 1 ? "bad\u{0}op" : "ok", cost: 10 + index)
            fields[5] = service
            _ = try await redis.send("XADD", arguments: [outbox, "*"] + fields).throwingServerError()
        }
        var result = try await ledger.drain(service, consumer: "t", claimIdleMs: nil)
        if result.acknowledged == 0 { result = try await ledger.drain(service, consumer: "t", claimIdleMs: nil) }
        #expect(result.acknowledged == 3)
        #expect(result.costsInserted == 2)
        #expect(result.deadLettered == 1)
        #expect(try await redis.send("XLEN", outbox).integer == 0)
        #expect(try await redis.send("LLEN", keys.service(service).ledgerDeadLetter).integer == 1)
        let rows = try await postgres.query("SELECT event_id FROM cost_events WHERE service = $1 ORDER BY cost_micros", [.text(service)])
        #expect(try rows.map { try $0.decode(at: 0, as: String.self) } == [ids[0], ids[2]])
        // Draining the same entries again (a node killed before its acknowledgement) counts nothing twice.
        for id in [ids[0]] {
            var fields = Self.costFields(id, operation: "ok", cost: 10)
            fields[5] = service
            _ = try await redis.send("XADD", arguments: [outbox, "*"] + fields).throwingServerError()
        }
        let again = try await ledger.drain(service, consumer: "t", claimIdleMs: nil)
        #expect(again.acknowledged == 1)
        #expect(again.costsInserted == 0)
        _ = try await redis.send("DEL", outbox, keys.service(service).ledgerDeadLetter)
        postgres.shutdown()
    }
}
