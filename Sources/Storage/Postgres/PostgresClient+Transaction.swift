extension PostgresClient {
    /// Runs `body` inside BEGIN/COMMIT on one session and returns its value. Any error thrown by
    /// `body` (or the task being cancelled) rolls the transaction back and nothing is left behind.
    @discardableResult
    public func withTransaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        try await withConnection { connection throws(PostgresError) in
            try await connection.executeScript("BEGIN")
            do throws(PostgresError) {
                let value = try await body(connection)
                if Task.isCancelled {
                    throw PostgresError(code: .cancelled, message: "task cancelled inside a transaction")
                }
                let commit = try await connection.executeScript("COMMIT")
                // COMMIT of a transaction that already failed (an error swallowed inside `body`) is
                // answered with a ROLLBACK tag, not an error: report it as one.
                guard commit.commandTag == "COMMIT" else {
                    throw PostgresError(
                        code: .server, sqlState: "25P02",
                        message: "transaction was rolled back because a statement inside it failed")
                }
                return value
            } catch {
                // If ROLLBACK cannot run (broken session), withConnection drops the session.
                _ = try? await connection.worker.runToCompletion { session throws(PostgresError) in
                    try session.executeScript("ROLLBACK")
                }
                throw error
            }
        }
    }
}
