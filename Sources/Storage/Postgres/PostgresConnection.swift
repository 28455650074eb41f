import Synchronization

/// A pooled session lent to a `withConnection`/`withTransaction` closure. It is valid only inside
/// that closure: using it afterwards fails instead of touching a session someone else now holds.
public struct PostgresConnection: Sendable {
    let worker: PostgresWorker
    let lease: PostgresLease

    /// Runs one parameterized statement; `$1`, `$2`... refer to `parameters`.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError) -> PostgresRows {
        try lease.check()
        return try await worker.run { session throws(PostgresError) in try session.execute(sql, parameters) }
    }

    /// Runs one parameterized statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError) -> Int {
        try await query(sql, parameters).affectedRows
    }

    /// Runs a trusted script of `;`-separated statements (no parameters, simple protocol), such as a
    /// migration file. Never pass text that came from outside.
    @discardableResult
    public func executeScript(_ sql: String) async throws(PostgresError) -> PostgresRows {
        try lease.check()
        return try await worker.run { session throws(PostgresError) in try session.executeScript(sql) }
    }
}

/// Marks whether a `PostgresConnection` handle may still be used.
final class PostgresLease: Sendable {
    private let active = Atomic<Bool>(true)

    func check() throws(PostgresError) {
        guard active.load(ordering: .acquiring) else {
            throw .invalidArgument("a PostgresConnection was used after its closure returned")
        }
    }

    func end() { active.store(false, ordering: .releasing) }
}
