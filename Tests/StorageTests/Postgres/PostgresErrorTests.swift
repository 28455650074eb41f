import Testing
@testable import Storage

@Suite struct PostgresErrorTests {
    @Test func serverErrorsCarrySQLState() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE u (id int PRIMARY KEY)")
            try await client.execute("INSERT INTO u VALUES ($1)", [.int32(1)])
            do throws(PostgresError) {
                try await client.execute("INSERT INTO u VALUES ($1)", [.int32(1)])
                Issue.record("expected 23505")
            } catch {
                #expect(error.code == .server)
                #expect(error.sqlState == "23505")
                #expect(error.isUniqueViolation)
                #expect(error.detail?.contains("(id)=(1)") == true)
                #expect(error.description == "PostgresError(server)")
            }
            do throws(PostgresError) {
                try await client.execute("SELEKT 1")
                Issue.record("expected 42601")
            } catch {
                #expect(error.sqlState == "42601")
                #expect(error.message.contains("syntax error"))
            }
            do throws(PostgresError) {
                try await client.execute("SELECT 1; SELECT 2")
                Issue.record("expected parameterized queries to refuse two statements")
            } catch {
                #expect(error.sqlState == "42601")
            }
            do throws(PostgresError) {
                try await client.execute("SELECT $1::int4", [.text("not a number")])
                Issue.record("expected 22P02")
            } catch {
                #expect(error.sqlState == "22P02")
            }
            try await client.ping()
        }
    }

    @Test func parametersNeverBecomeSQL() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE t (name text)")
            let hostile = "x'); DROP TABLE t; --"
            try await client.execute("INSERT INTO t VALUES ($1)", [.text(hostile)])
            let row = try await client.query("SELECT name FROM t").single()
            #expect(try row.decode("name", as: String.self) == hostile)
        }
    }
}
