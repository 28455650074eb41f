/// The PostgreSQL client a node shares across requests: a bounded pool of sessions, each on its own
/// thread, with parameterized queries, transactions, batched inserts and a readiness probe.
///
/// Sessions open lazily and are replaced when they die, so the client recovers by itself after a
/// server restart; during an outage calls fail fast with `connectionFailed` instead of hanging.
public final class PostgresClient: Sendable {
    public let configuration: PostgresConfiguration
    let pool: PostgresPool

    /// Validates the configuration; no connection is opened until the first call.
    public init(configuration: PostgresConfiguration) throws(PostgresError) {
        self.configuration = try configuration.validated()
        self.pool = PostgresPool(configuration: self.configuration)
    }

    /// `postgres://user:password@host:port/db?sslmode=...`; see `PostgresConfiguration(url:)`.
    public convenience init(url: String) throws(PostgresError) {
        try self.init(configuration: PostgresConfiguration(url: url))
    }

    deinit { pool.close() }

    /// Fails waiting callers with `closed`, lets running statements finish, closes every session.
    public func shutdown() { pool.close() }

    /// Runs one parameterized statement on any pooled session; `$1`, `$2`... refer to `parameters`.
    ///
    /// If the server ended the session right before the statement (SQLSTATE 57P01/57P02: the backend
    /// was terminated, so nothing was committed), it is retried once on a fresh session.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError) -> PostgresRows {
        do {
            return try await queryOnce(sql, parameters)
        } catch where error.sqlState == "57P01" || error.sqlState == "57P02" {
            return try await queryOnce(sql, parameters)
        }
    }

    /// Runs one parameterized statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError) -> Int {
        try await query(sql, parameters).affectedRows
    }

    /// For `/readyz`: succeeds only if a session can be opened (or reused) and answers.
    public func ping() async throws(PostgresError) {
        let rows = try await query("SELECT 1")
        guard rows.count == 1 else { throw .decoding("ping returned \(rows.count) rows") }
    }

    /// Lends one session to `body` for several statements (e.g. session-level advisory locks). A
    /// transaction left open by `body` is rolled back before the session returns to the pool; other
    /// session state (`SET`, advisory locks, temp tables) is `body`'s to undo.
    @discardableResult
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let index = try await pool.acquire()
        let worker = pool.workers[index]
        do {
            try await worker.run { session throws(PostgresError) in try session.prepare() }
        } catch {
            pool.release(index)
            throw error
        }
        let lease = PostgresLease()
        let result: Result<T, PostgresError>
        do {
            result = .success(try await body(PostgresConnection(worker: worker, lease: lease)))
        } catch {
            result = .failure(error)
        }
        lease.end()
        _ = try? await worker.runToCompletion { session in session.finishLease() }
        pool.release(index)
        return try result.get()
    }

    /// One hop to the worker thread: prepare the session, run, clean up.
    private func queryOnce(_ sql: String, _ parameters: [PostgresValue]) async throws(PostgresError) -> PostgresRows {
        let index = try await pool.acquire()
        defer { pool.release(index) }
        return try await pool.workers[index].run { session throws(PostgresError) in
            try session.prepare()
            defer { session.finishLease() }
            return try session.execute(sql, parameters)
        }
    }
}
