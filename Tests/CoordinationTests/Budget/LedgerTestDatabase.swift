import Foundation
import Storage
import TestSupport

/// The test script's PostgreSQL, migrated with the repository's migrations, and cost rows written
/// into its ledger. The database is shared by every test (and by test nodes): each test uses
/// service names of its own and reads only those back.
enum LedgerTestDatabase {
    static func client() async throws -> PostgresClient {
        let client = try PostgresClient(url: TestEnvironment.databaseURL())
        // Idempotent and serialised by the runner's advisory lock: safe beside nodes that migrate too.
        try await MigrationRunner(client: client, directory: NodeProcess.repositoryRoot.appendingPathComponent("migrations")).run()
        return client
    }

    /// A service name no other test (or run) uses.
    static func service(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    struct Row {
        var at: String
        var service: String
        var operation = "op"
        var kind = "actual"
        var cost: Int64 = 0
        var saved: Int64 = 0
    }

    static func insert(_ rows: [Row], into client: PostgresClient) async throws {
        try await client.insertBatch(
            table: "cost_events", columns: ["at", "service", "operation", "kind", "cost_micros", "saved_micros", "event_id", "node_id"],
            rows: rows.map { row in
                [.timestamptz(SpendProjectionTests.at(row.at)), .text(row.service), .text(row.operation), .text(row.kind),
                 .int64(row.cost), .int64(row.saved), .text(UUID().uuidString), "test"]
            })
    }
}
