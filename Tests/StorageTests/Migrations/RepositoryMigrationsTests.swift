import Foundation
import Testing
@testable import Storage

/// The real `migrations/` folder of the repository applies cleanly and its views answer.
@Suite struct RepositoryMigrationsTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Migrations
        .deletingLastPathComponent()  // StorageTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("migrations")

    @Test func repositoryMigrationsApplyAndViewsAnswer() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, _ in
            let applied = try await MigrationRunner(client: client, directory: Self.directory).run()
            #expect(applied.first?.version == 1)
            #expect(applied.first?.name == "initial")
            #expect(try await MigrationRunner(client: client, directory: Self.directory).run().isEmpty)

            let day = Date(timeIntervalSince1970: 1_795_910_400 + 3600)  // 2026-11-29 01:00 UTC
            try await client.insertBatch(
                table: "cost_events", columns: ["at", "service", "operation", "kind", "cost_micros", "saved_micros"],
                rows: [
                    [.timestamptz(day), "stripe", "charge", "actual", 50_000, 0],
                    [.timestamptz(day), "stripe", "charge", "saved_batching", 0, 20_000],
                    [.timestamptz(day), "stripe", "charge", "saved_dedup", 0, 5_000],
                    [.timestamptz(day), "twilio", "sms", "actual", 2_000_000, 0],
                ])
            let cost = try await client.query(
                "SELECT day, cost_micros, saved_micros, saved_batching_micros, events FROM v_daily_cost WHERE service = $1",
                ["stripe"]
            ).single()
            #expect(try cost.decode("cost_micros", as: Int64.self) == 50_000)
            #expect(try cost.decode("saved_micros", as: Int64.self) == 25_000)
            #expect(try cost.decode("saved_batching_micros", as: Int64.self) == 20_000)
            #expect(try cost.decode("events", as: Int64.self) == 3)
            #expect(try cost.decode("day", as: Date.self) == Date(timeIntervalSince1970: 1_795_910_400))

            try await client.execute(
                """
                INSERT INTO batches (id, service, operation, status, size, deduplicated, upstream_calls, cost_micros, saved_micros, wait_ms)
                VALUES ($1, 'stripe', 'charge', 'completed', 8, 2, 1, 400, 3600, 120),
                       ($2, 'stripe', 'charge', 'completed', 10, 0, 1, 500, 4500, 80)
                """,
                [.text(UUID().uuidString), .text(UUID().uuidString)])
            let savings = try await client.query("SELECT * FROM v_batching_savings WHERE service = 'stripe'").single()
            #expect(try savings.decode("batches", as: Int64.self) == 2)
            #expect(try savings.decode("submitted", as: Int64.self) == 20)
            #expect(try savings.decode("upstream_calls", as: Int64.self) == 2)
            #expect(try savings.decode("request_reduction", as: Double.self) == 0.9)
            #expect(try savings.decode("saved_micros", as: Int64.self) == 8100)

            try await client.execute(
                "INSERT INTO webhook_events (service, event_id, payload, verified) VALUES ($1, $2, $3, true)",
                ["stripe", "evt_1", .jsonb(string: "{}")])
            do throws(PostgresError) {
                try await client.execute(
                    "INSERT INTO webhook_events (service, event_id, payload, verified) VALUES ($1, $2, $3, true)",
                    ["stripe", "evt_1", .jsonb(string: "{}")])
                Issue.record("expected the duplicate webhook to be refused")
            } catch {
                #expect(error.isUniqueViolation)
            }
            do throws(PostgresError) {
                try await client.execute(
                    "INSERT INTO cost_events (service, operation, kind, cost_micros) VALUES ('x', 'y', 'refund', 1)")
                Issue.record("expected the CHECK on kind")
            } catch {
                #expect(error.sqlState == "23514")
            }
        }
    }
}
