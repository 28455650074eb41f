import Foundation
import Testing
@testable import Storage

@Suite struct PostgresValueTests {
    @Test func everyTypeRoundTrips() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let uuid = UUID()
            let when = Date(timeIntervalSince1970: 1_795_935_202.654321)
            let bytes: [UInt8] = [0, 1, 0, 255, 0x5C, 0x78, 0]
            let text = "héllo 世界 🚀 'quoted' \"double\" \\ back"
            let json = #"{"a": [1, 2.5, null], "b": "ü"}"#
            let row = try await client.query(
                """
                SELECT $1::bool AS b, $2::int2 AS i2, $3::int4 AS i4, $4::int8 AS i8, $5::float8 AS f8,
                       $6::text AS t, $7::bytea AS by, $8::uuid AS u, $9::timestamptz AS ts, $10::jsonb AS j,
                       $11::text AS n, $12::text AS empty, $13::bytea AS emptybytes
                """,
                [.bool(true), .int16(-32768), .int32(2_147_483_647), .int64(.min), .double(-1.25e-300),
                 .text(text), .bytea(bytes), .uuid(uuid), .timestamptz(when), .jsonb(string: json),
                 .null, .text(""), .bytea([])]
            ).single()
            #expect(try row.decode("b", as: Bool.self) == true)
            #expect(try row.decode("i2", as: Int16.self) == -32768)
            #expect(try row.decode("i4", as: Int32.self) == 2_147_483_647)
            #expect(try row["i8", as: Int64.self] == .min)
            #expect(try row.decode("f8", as: Double.self) == -1.25e-300)
            #expect(try row.decode("t", as: String.self) == text)
            #expect(try row.decode("by", as: [UInt8].self) == bytes)
            #expect(try row.decode("by", as: Data.self) == Data(bytes))
            #expect(try row.decode("u", as: UUID.self) == uuid)
            let decoded = try row.decode("ts", as: Date.self)
            #expect(PostgresTimestamp.microsecondsSince2000(decoded) == PostgresTimestamp.microsecondsSince2000(when))
            #expect(abs(decoded.timeIntervalSince(when)) < 0.000_000_5)
            let object = try JSONSerialization.jsonObject(with: Data(try row.decode("j", as: [UInt8].self))) as? [String: Any]
            #expect(object?["b"] as? String == "ü")
            #expect(try row.decode("n", as: String?.self) == nil)
            #expect(try row.decode("empty", as: String.self) == "")
            #expect(try row.decode("emptybytes", as: [UInt8].self) == [])
            #expect(try row.decode(at: 1, as: Int.self) == -32768)
        }
    }

    @Test func valuesRoundTripThroughATable() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            try await client.execute(
                "CREATE TABLE v (id int PRIMARY KEY, at timestamptz, payload jsonb, blob bytea, ok bool, n float8)")
            let at = Date(timeIntervalSince1970: 1_700_000_000.000001)
            let inserted = try await client.execute(
                "INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)",
                [1, .timestamptz(at), .jsonb(string: "[1,2]"), .bytea([0, 0, 0]), true, 0.1,
                 2, nil, nil, nil, nil, nil])
            #expect(inserted == 2)
            let rows = try await client.query("SELECT * FROM v ORDER BY id")
            #expect(rows.count == 2)
            #expect(try rows[0].decode("at", as: Date.self).timeIntervalSince1970 == at.timeIntervalSince1970)
            #expect(try rows[0].decode("payload", as: String.self) == "[1, 2]")
            #expect(try rows[0].decode("blob", as: [UInt8].self) == [0, 0, 0])
            #expect(try rows[0].decode("n", as: Double.self) == 0.1)
            #expect(try rows[1].decode("at", as: Date?.self) == nil)
            #expect(try rows[1].decode("ok", as: Bool?.self) == nil)
        }
    }

    @Test func decodingErrorsAreClear() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let row = try await client.query("SELECT 'x'::text AS t, NULL::int8 AS n, 3000000000::int8 AS big").single()
            #expect(throws: PostgresError.self) { try row.decode("t", as: Int64.self) }
            #expect(throws: PostgresError.self) { try row.decode("n", as: Int64.self) }
            #expect(throws: PostgresError.self) { try row.decode("big", as: Int32.self) }
            #expect(throws: PostgresError.self) { try row.decode("missing", as: String.self) }
            #expect(throws: PostgresError.self) { try row.decode(at: 9, as: String.self) }
            do throws(PostgresError) {
                _ = try row.decode("n", as: Int64.self)
            } catch {
                #expect(error.code == .decoding)
                #expect(error.message.contains("NULL"))
            }
            #expect(try row.decode("big", as: Int64.self) == 3_000_000_000)
        }
    }

    @Test func sumOfBigintDecodesAsInt64() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let row = try await client.query("SELECT sum(x) AS total FROM (VALUES (9000000000::int8), (1)) AS t(x)").single()
            #expect(try row.decode("total", as: Int64.self) == 9_000_000_001)
        }
    }
}
