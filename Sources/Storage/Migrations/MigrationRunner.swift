import Foundation

/// Applies the pending numbered migrations of a directory, each in its own transaction, exactly once
/// across a cluster: every runner takes the same session-level advisory lock first, so nodes that
/// start together apply each file once. Refuses to run if an applied file was edited since.
///
///     let applied = try await MigrationRunner(client: pg, directory: url).run()
public struct MigrationRunner: Sendable {
    /// The advisory lock key all nodes share ("coordmig" in ASCII).
    public static let defaultLockKey: Int64 = 0x636F_6F72_646D_6967

    public let client: PostgresClient
    public let directory: URL
    public let lockKey: Int64

    public init(client: PostgresClient, directory: URL, lockKey: Int64 = MigrationRunner.defaultLockKey) {
        self.client = client
        self.directory = directory
        self.lockKey = lockKey
    }

    /// Applies what is pending, in version order, and returns what this call applied (empty when
    /// another node already did). Errors name the offending file.
    @discardableResult
    public func run() async throws(PostgresError) -> [AppliedMigration] {
        let files = try MigrationFile.load(from: directory)
        return try await client.withConnection { connection throws(PostgresError) in
            // Neither waiting for another node nor a long migration may hit the pool's statement
            // timeout; RESET below restores the session default before it returns to the pool.
            try await connection.executeScript("SET statement_timeout = 0")
            // Waits while another node migrates; released below or when the session ends.
            do throws(PostgresError) {
                try await connection.execute("SELECT pg_advisory_lock($1)", [.int64(lockKey)])
            } catch {
                await restoreSession(connection)
                throw error
            }
            do throws(PostgresError) {
                let applied = try await apply(files, on: connection)
                await restoreSession(connection)
                return applied
            } catch {
                await restoreSession(connection)
                throw error
            }
        }
    }

    /// Releases the lock and the timeout override. Not cancellable: a session-level lock left on a
    /// pooled session would block every later run. If this cannot run, the session is broken and
    /// the server released the lock with it.
    private func restoreSession(_ connection: PostgresConnection) async {
        let key = lockKey
        _ = try? await connection.worker.runToCompletion { session throws(PostgresError) in
            _ = try session.execute("SELECT pg_advisory_unlock($1)", [.int64(key)])
            _ = try session.executeScript("RESET statement_timeout")
        }
    }

    private func apply(_ files: [MigrationFile], on connection: PostgresConnection) async throws(PostgresError) -> [AppliedMigration] {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let recorded = try await recordedMigrations(on: connection)
        var pending: [(MigrationFile, String)] = []
        for file in files {
            let checksum = try await Self.checksum(of: file, on: connection)
            if let existing = recorded[file.version] {
                guard existing.checksum == checksum, existing.name == file.name else {
                    throw PostgresError(
                        code: .migrationChecksumMismatch,
                        message: "migration \(file.fileName) was changed after it was applied "
                            + "(recorded \(existing.name) sha256 \(existing.checksum), file sha256 \(checksum)); "
                            + "restore it and add a new numbered migration instead")
                }
            } else {
                pending.append((file, checksum))
            }
        }
        if let newest = recorded.keys.max(), let early = pending.first(where: { $0.0.version < newest }) {
            throw MigrationFile.failure(
                "migration \(early.0.fileName) is numbered below already applied version \(newest); renumber it")
        }
        var applied: [AppliedMigration] = []
        for (file, checksum) in pending {
            try await Self.apply(file, checksum: checksum, on: connection)
            applied.append(AppliedMigration(version: file.version, name: file.name, checksum: checksum))
        }
        return applied
    }

    private func recordedMigrations(on connection: PostgresConnection) async throws(PostgresError) -> [Int: AppliedMigration] {
        var recorded: [Int: AppliedMigration] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM schema_migrations") {
            let migration = AppliedMigration(
                version: try row.decode("version"), name: try row.decode("name"), checksum: try row.decode("checksum"))
            recorded[migration.version] = migration
        }
        return recorded
    }

    /// Hashing is PostgreSQL's `sha256()`: the Storage module does no cryptography of its own.
    private static func checksum(of file: MigrationFile, on connection: PostgresConnection) async throws(PostgresError) -> String {
        let row = try await connection.query("SELECT encode(sha256($1), 'hex') AS checksum", [.bytea(file.bytes)]).single()
        return try row.decode("checksum")
    }

    private static func apply(_ file: MigrationFile, checksum: String, on connection: PostgresConnection) async throws(PostgresError) {
        do throws(PostgresError) {
            try await connection.executeScript("BEGIN")
            try await connection.executeScript(file.sql)
            try await connection.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                [.int32(Int32(clamping: file.version)), .text(file.name), .text(checksum)])
            try await connection.executeScript("COMMIT")
        } catch {
            _ = try? await connection.executeScript("ROLLBACK")
            throw PostgresError(
                code: .migrationFailed, sqlState: error.sqlState,
                message: "migration \(file.fileName) failed: \(error.message)", detail: error.detail)
        }
    }
}
