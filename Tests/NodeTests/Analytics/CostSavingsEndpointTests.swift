import Auth
import Foundation
import Storage
import Testing
import TestSupport

/// GET /analytics/cost-savings on a real node over ledger rows written into the shared test
/// PostgreSQL (services of this test's own, in a past month, so other tests' rows do not mix in).
@Suite struct CostSavingsEndpointTests {
    static func token(_ role: Role) throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "analyst-\(role.rawValue)", role: role, expiresAt: Date().addingTimeInterval(300)))
    }

    static func get(_ base: String, _ query: String, _ role: Role = .manager) async throws -> TestHTTP.Reply {
        try await TestHTTP.request(base + "/api/v1/external-services/analytics/cost-savings" + query, bearer: token(role))
    }

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func figuresRolesAndBadPeriods() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "analytics-\(UInt32.random(in: 0...UInt32.max))"))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        // Ready means migrated: the ledger table exists.
        #expect(try await eventually(timeout: .seconds(20)) { try await TestHTTP.request(base + "/readyz").status == 200 })
        let postgres = try PostgresClient(url: TestEnvironment.databaseURL())
        defer { postgres.shutdown() }
        let tag = UUID().uuidString.prefix(8).lowercased()
        let stripe = "stripe-\(tag)", twilio = "twilio-\(tag)"
        let rows: [(String, String, String, Int64, Int64)] = [
            ("2025-05-31T23:59:59Z", stripe, "actual", 999_000, 0),         // before the period
            ("2025-06-01T00:00:00Z", stripe, "actual", 50_000, 0),
            ("2025-06-01T09:00:00Z", stripe, "saved_batching", 0, 20_000),
            ("2025-06-01T23:00:00Z", stripe, "saved_dedup", 0, 5_000),
            ("2025-06-02T12:00:00Z", stripe, "actual", 70_000, 0),
            ("2025-06-02T12:00:00Z", twilio, "actual", 2_000_000, 0),
            ("2025-06-02T13:00:00Z", twilio, "saved_batching", 0, 1_500_000),
            ("2025-06-03T00:00:00Z", twilio, "actual", 999_000, 0),          // after it
        ]
        try await postgres.insertBatch(
            table: "cost_events", columns: ["at", "service", "operation", "kind", "cost_micros", "saved_micros", "event_id"],
            rows: rows.map { [.timestamptz(Self.at($0.0)), .text($0.1), "charge", .text($0.2), .int64($0.3), .int64($0.4), .text(UUID().uuidString)] })

        let reply = try await Self.get(base, "?from=2025-06-01&to=2025-06-02")
        #expect(reply.status == 200, "\(reply.text)")
        let json = try reply.json()
        #expect(json["from"] as? String == "2025-06-01")
        #expect(json["to"] as? String == "2025-06-02")
        #expect(json["fromAt"] as? String == "2025-06-01T00:00:00.000Z")
        #expect(json["toAt"] as? String == "2025-06-03T00:00:00.000Z")
        let days = (json["days"] as? [[String: Any]] ?? []).filter { [stripe, twilio].contains($0["service"] as? String) }
        #expect(days.map { "\($0["day"] ?? "") \($0["service"] ?? "")" } == ["2025-06-01 \(stripe)", "2025-06-02 \(stripe)", "2025-06-02 \(twilio)"])
        #expect(days.first?["costMicros"] as? Int == 50_000)
        #expect(days.first?["savedBatchingMicros"] as? Int == 20_000)
        #expect(days.first?["savedDedupMicros"] as? Int == 5_000)
        #expect(days.first?["savedMicros"] as? Int == 25_000)
        #expect(days.first?["events"] as? Int == 3)
        #expect(days.last?["costMicros"] as? Int == 2_000_000)
        #expect(days.last?["savedMicros"] as? Int == 1_500_000)
        let services = json["services"] as? [[String: Any]] ?? []
        let twilioTotals = services.first { $0["service"] as? String == twilio }?["totals"] as? [String: Any]
        #expect(twilioTotals?["costMicros"] as? Int == 2_000_000)
        #expect(twilioTotals?["events"] as? Int == 2)
        #expect(twilioTotals?["savingsRatio"] as? Double == 1_500_000.0 / 3_500_000.0)
        let stripeTotals = services.first { $0["service"] as? String == stripe }?["totals"] as? [String: Any]
        #expect(stripeTotals?["costMicros"] as? Int == 120_000)
        #expect(stripeTotals?["savedMicros"] as? Int == 25_000)
        #expect(((json["totals"] as? [String: Any])?["costMicros"] as? Int ?? 0) >= 2_120_000)

        // Instants: from 2025-06-02T12:30Z (an offset, `+` sent as %2B) to the end of the day.
        let instants = try await Self.get(base, "?from=2025-06-02T14:30:00%2B02:00&to=2025-06-03T00:00:00Z")
        #expect(instants.status == 200, "\(instants.text)")
        let later = (try instants.json()["days"] as? [[String: Any]] ?? []).filter { [stripe, twilio].contains($0["service"] as? String) }
        #expect(later.map { $0["service"] as? String } == [twilio])
        #expect(later.first?["savedBatchingMicros"] as? Int == 1_500_000)

        // Default: the 30 UTC days ending today.
        let recent = try await Self.get(base, "")
        #expect(recent.status == 200)
        let recentJSON = try recent.json()
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let today = utc.startOfDay(for: Date())
        let day = { (date: Date) -> String in
            let c = utc.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        #expect(recentJSON["to"] as? String == day(today) || recentJSON["to"] as? String == day(Date()))
        #expect(recentJSON["from"] as? String == day(today.addingTimeInterval(-29 * 86_400))
                || recentJSON["from"] as? String == day(Date().addingTimeInterval(-29 * 86_400)))

        #expect(try await Self.get(base, "?from=2025-06-01", .user).status == 403)
        let refusals: [(String, String)] = [
            ("?from=2025-02-30", "from"), ("?from=yesterday", "from"), ("?to=2025-06-01T10:00:00", "to"),
            ("?from=2025-06-02&to=2025-06-01", "to"), ("?from=2024-01-01&to=2025-01-01", "to"),
            ("?from=", "from"),
        ]
        for (query, field) in refusals {
            let refused = try await Self.get(base, query)
            #expect(refused.status == 400, "\(query): \(refused.text)")
            let error = try refused.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid_field", "\(query)")
            #expect(error?["field"] as? String == field, "\(query)")
        }
        await node.stop()
    }
}
