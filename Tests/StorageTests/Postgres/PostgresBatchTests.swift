import Foundation
import Testing
@testable import Storage

@Suite struct PostgresBatchTests {
    @Test func twentyThousandRowsAreInsertedAndCounted() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, _ in
            try await client.execute(
                "CREATE TABLE events (id bigint PRIMARY KEY, service text NOT NULL, cost_micros bigint NOT NULL, at timestamptz, detail jsonb)")
            let now = Date()
            let rows: [[PostgresValue]] = (0..<20_000).map { index in
                [.int(index), .text(index % 2 == 0 ? "stripe" : "twilio"), .int(index * 10), .timestamptz(now),
                 index % 3 == 0 ? .null : .jsonb(string: #"{"i": \#(index)}"#)]
            }
            let start = ContinuousClock.now
            let inserted = try await client.insertBatch(
                table: "events", columns: ["id", "service", "cost_micros", "at", "detail"], rows: rows)
            let elapsed = ContinuousClock.now - start
            #expect(inserted == 20_000)
            let row = try await client.query(
                "SELECT count(*) AS n, sum(cost_micros) AS total, count(detail) AS with_detail FROM events").single()
            #expect(try row.decode("n", as: Int64.self) == 20_000)
            let expectedTotal = (0..<20_000).reduce(Int64(0)) { sum, index in sum + Int64(index) * 10 }
            #expect(try row.decode("total", as: Int64.self) == expectedTotal)
            #expect(try row.decode("with_detail", as: Int64.self) == 20_000 - 6667)
            print("insertBatch 20000 rows x 5 columns: \(elapsed)")
        }
    }

    @Test func wideRowsAreChunkedUnderTheParameterLimit() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let columns = (0..<100).map { "c\($0)" }
            try await client.execute("CREATE TABLE wide (\(columns.map { "\($0) int4" }.joined(separator: ", ")))")
            let rows = (0..<1500).map { row in (0..<100).map { _ in PostgresValue.int32(Int32(row)) } }
            #expect(try await client.insertBatch(table: "wide", columns: columns, rows: rows) == 1500)
            let row = try await client.query("SELECT count(*) AS n FROM wide").single()
            #expect(try row.decode("n", as: Int64.self) == 1500)
        }
    }

    @Test func aFailingChunkInsertsNothing() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute("CREATE TABLE uniq (id int PRIMARY KEY)")
            var rows: [[PostgresValue]] = (0..<2500).map { [.int32(Int32($0))] }
            rows.append([.int32(7)])  // duplicate in the last chunk
            do throws(PostgresError) {
                try await client.insertBatch(table: "uniq", columns: ["id"], rows: rows)
                Issue.record("expected a unique violation")
            } catch {
                #expect(error.sqlState == "23505")
            }
            let row = try await client.query("SELECT count(*) AS n FROM uniq").single()
            #expect(try row.decode("n", as: Int64.self) == 0)
        }
    }

    @Test(arguments: ["", "x; DROP TABLE t", "a\"b", "1abc", "a.b.c", "x y", String(repeating: "a", count: 64), "public."])
    func badIdentifiersAreRefused(name: String) {
        #expect(throws: PostgresError.self) { try PostgresIdentifier(name) }
    }

    @Test func identifiersAreQuoted() throws {
        #expect(try PostgresIdentifier("cost_events").quoted == "\"cost_events\"")
        #expect(try PostgresIdentifier("public.Cost_Events").quoted == "\"public\".\"Cost_Events\"")
    }

    @Test func mismatchedRowWidthIsRefusedBeforeSending() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            do throws(PostgresError) {
                try await client.insertBatch(table: "anything", columns: ["a", "b"], rows: [[1, 2], [3]])
                Issue.record("expected invalidArgument")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }
}
