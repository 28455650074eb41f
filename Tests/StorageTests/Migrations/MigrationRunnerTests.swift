import Foundation
import Testing
@testable import Storage

@Suite struct MigrationRunnerTests {
    /// A fresh directory of migration files for one test.
    private static func directory(_ files: [String: String]) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("migrations-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    private static let sample = [
        "0001_first.sql": "CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);",
        "0002_second.sql": "SELECT pg_sleep(0.2);\nCREATE TABLE b (id int);",
        "0003_third.sql": "ALTER TABLE a ADD COLUMN note text;",
        "README.md": "not a migration",
    ]

    @Test func threeConcurrentRunnersApplyEachMigrationOnce() async throws {
        let directory = try Self.directory(Self.sample)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, configuration in
            let applied = try await withThrowingTaskGroup(of: [AppliedMigration].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let own = try PostgresClient(configuration: configuration)
                        defer { own.shutdown() }
                        return try await MigrationRunner(client: own, directory: directory).run()
                    }
                }
                return try await group.reduce(into: [AppliedMigration]()) { $0 += $1 }
            }
            #expect(applied.map(\.version).sorted() == [1, 2, 3])
            let rows = try await client.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            #expect(try rows.map { try $0.decode("name", as: String.self) } == ["first", "second", "third"])
            #expect(try rows.allSatisfy { try $0.decode("checksum", as: String.self).count == 64 })
            #expect(try await client.query("SELECT count(*) AS n FROM a").single().decode("n", as: Int64.self) == 1)
            #expect(try await MigrationRunner(client: client, directory: directory).run().isEmpty)
        }
    }

    @Test func statementTimeoutDoesNotCutMigrationsShortAndIsRestored() async throws {
        let directory = try Self.directory(["0001_slow.sql": "SELECT pg_sleep(0.4);\nCREATE TABLE slow (id int);"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await PostgresTestDatabase.withDatabase(poolSize: 1, configure: { $0.statementTimeout = .milliseconds(150) }) { client, _ in
            #expect(try await MigrationRunner(client: client, directory: directory).run().count == 1)
            let setting = try await client.query("SELECT current_setting('statement_timeout') AS t").single()
            #expect(try setting.decode("t", as: String.self) == "150ms")
        }
    }

    @Test func editedAppliedMigrationIsRefused() async throws {
        var files = Self.sample
        files.removeValue(forKey: "0003_third.sql")
        let directory = try Self.directory(files)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            #expect(try await MigrationRunner(client: client, directory: directory).run().count == 2)
            try "CREATE TABLE a (id bigint PRIMARY KEY);".write(
                to: directory.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
            try Self.sample["0003_third.sql"]!.write(
                to: directory.appendingPathComponent("0003_third.sql"), atomically: true, encoding: .utf8)
            do throws(PostgresError) {
                try await MigrationRunner(client: client, directory: directory).run()
                Issue.record("expected the edited migration to be refused")
            } catch {
                #expect(error.code == .migrationChecksumMismatch)
                #expect(error.message.contains("0001_first.sql"))
            }
            // Nothing ran: 0003 is still pending.
            let count = try await client.query("SELECT count(*) AS n FROM schema_migrations").single()
            #expect(try count.decode("n", as: Int64.self) == 2)
        }
    }

    @Test func failingMigrationIsRolledBackAndNamed() async throws {
        let directory = try Self.directory([
            "0001_ok.sql": "CREATE TABLE ok (id int);",
            "0002_broken.sql": "CREATE TABLE half (id int);\nCREATE TABLE ok (id int);",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            do throws(PostgresError) {
                try await MigrationRunner(client: client, directory: directory).run()
                Issue.record("expected 0002 to fail")
            } catch {
                #expect(error.code == .migrationFailed)
                #expect(error.message.contains("0002_broken.sql"))
                #expect(error.sqlState == "42P07")
            }
            let versions = try await client.query("SELECT version FROM schema_migrations").map { try $0.decode("version", as: Int.self) }
            #expect(versions == [1])
            let half = try await client.query("SELECT to_regclass('half') IS NULL AS gone").single()
            #expect(try half.decode("gone", as: Bool.self))
            // The advisory lock was released: another runner can take it at once.
            let lock = try await client.query("SELECT pg_try_advisory_lock($1) AS got", [.int64(MigrationRunner.defaultLockKey)]).single()
            #expect(try lock.decode("got", as: Bool.self))
        }
    }

    @Test(arguments: ["1_short.sql", "0001-dash.sql", "0001_Upper.sql", "0001_.sql", "abcd_x.sql"])
    func badFileNamesAreRefused(name: String) async throws {
        let directory = try Self.directory([name: "SELECT 1;"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: PostgresError.self) { try MigrationFile.load(from: directory) }
    }

    @Test func duplicateVersionsAreRefused() throws {
        let directory = try Self.directory(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: PostgresError.self) { try MigrationFile.load(from: directory) }
    }

    @Test func missingDirectoryIsAClearError() async throws {
        let directory = URL(fileURLWithPath: "/nonexistent/migrations-" + UUID().uuidString)
        do throws(PostgresError) {
            _ = try MigrationFile.load(from: directory)
            Issue.record("expected migrationFailed")
        } catch {
            #expect(error.code == .migrationFailed)
            #expect(error.message.contains(directory.path))
        }
    }
}
