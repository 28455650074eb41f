import Testing
@testable import Storage

@Suite struct PostgresTransactionTests {
    private static func count(_ client: PostgresClient) async throws -> Int64 {
        try await client.query("SELECT count(*) AS n FROM items").single().decode("n")
    }

    @Test func successCommitsAndReturnsTheValue() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, _ in
            try await client.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
            let id = try await client.withTransaction { connection throws(PostgresError) in
                try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
                try await connection.execute("INSERT INTO items VALUES ($1, $2)", [2, "two"])
                return try await connection.query("SELECT max(id) AS m FROM items").single().decode("m", as: Int.self)
            }
            #expect(id == 2)
            #expect(try await Self.count(client) == 2)
        }
    }

    @Test func thrownErrorRollsEverythingBack() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, _ in
            try await client.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
            do throws(PostgresError) {
                try await client.withTransaction { connection throws(PostgresError) in
                    try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
                    throw PostgresError(code: .invalidArgument, message: "the domain changed its mind")
                }
                Issue.record("expected the error to propagate")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            do throws(PostgresError) {
                try await client.withTransaction { connection throws(PostgresError) in
                    try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
                    try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "duplicate"])
                }
                Issue.record("expected a unique violation")
            } catch {
                #expect(error.sqlState == "23505")
            }
            #expect(try await Self.count(client) == 0)
        }
    }

    @Test func swallowedStatementErrorStillFailsTheCommit() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
            do throws(PostgresError) {
                try await client.withTransaction { connection throws(PostgresError) in
                    try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
                    _ = try? await connection.execute("INSERT INTO items VALUES ($1, NULL)", [2])
                }
                Issue.record("expected the aborted transaction to be reported")
            } catch {
                #expect(error.sqlState == "25P02")
            }
            #expect(try await Self.count(client) == 0)
            // The single pooled session came back clean (not stuck inside a transaction).
            try await client.execute("INSERT INTO items VALUES ($1, $2)", [3, "three"])
            #expect(try await Self.count(client) == 1)
        }
    }

    @Test func cancellationRollsBack() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
            let task = Task { () async throws -> Void in
                try await client.withTransaction { connection throws(PostgresError) in
                    try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
                    try await connection.execute("SELECT pg_sleep(20)")
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let outcome = await task.result
            if case .failure(let failure) = outcome, let error = failure as? PostgresError {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("expected cancellation")
            }
            #expect(try await Self.count(client) == 0)
        }
    }

    @Test func leftOpenTransactionIsRolledBackOnRelease() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
            try await client.withConnection { connection throws(PostgresError) in
                try await connection.executeScript("BEGIN")
                try await connection.execute("INSERT INTO items VALUES ($1, $2)", [1, "one"])
            }
            #expect(try await Self.count(client) == 0)
        }
    }
}

/// The domain calls the client from actors: closures run on the caller's isolation, so they may
/// touch actor state and return non-Sendable values.
private actor LedgerProbe {
    final class Summary { var total: Int64 = 0 }
    private var writes = 0
    let client: PostgresClient

    init(client: PostgresClient) { self.client = client }

    func record(_ amount: Int64) async throws(PostgresError) -> Int64 {
        let summary = try await client.withTransaction { connection throws(PostgresError) in
            try await connection.execute("INSERT INTO ledger VALUES ($1)", [.int64(amount)])
            writes += 1
            let summary = Summary()
            summary.total = try await connection.query("SELECT sum(amount) AS s FROM ledger").single().decode("s")
            return summary
        }
        return summary.total
    }

    var writeCount: Int { writes }
}

@Suite struct PostgresActorIsolationTests {
    @Test func transactionsComposeWithActors() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, _ in
            try await client.execute("CREATE TABLE ledger (amount bigint NOT NULL)")
            let probe = LedgerProbe(client: client)
            _ = try await probe.record(5)
            #expect(try await probe.record(7) == 12)
            #expect(await probe.writeCount == 2)
        }
    }
}
