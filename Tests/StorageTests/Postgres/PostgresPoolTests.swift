import Foundation
import Testing
@testable import Storage

@Suite struct PostgresPoolTests {
    @Test func fiftyTasksShareFourConnections() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 4) { client, _ in
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for task in 0..<50 {
                    group.addTask {
                        let row = try await client.query(
                            "SELECT pg_backend_pid() AS pid, $1::int8 AS echo, pg_sleep(0.01)", [.int(task)]
                        ).single()
                        #expect(try row.decode("echo", as: Int.self) == task)
                        return try row.decode("pid", as: Int32.self)
                    }
                }
                var pids: [Int32] = []
                for try await pid in group { pids.append(pid) }
                return pids
            }
            #expect(pids.count == 50)
            #expect(Set(pids).count <= 4)
            #expect(Set(pids).count >= 2)  // they did run concurrently
        }
    }

    @Test func waiterTimesOutWhenEveryConnectionIsHeld() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2, configure: { $0.acquireTimeout = .milliseconds(200) }) { client, _ in
            let holders = (0..<2).map { _ in
                Task { try await client.withConnection { connection throws(PostgresError) in
                    try await connection.query("SELECT pg_sleep(2)")
                } }
            }
            try await Task.sleep(for: .milliseconds(300))
            let start = ContinuousClock.now
            do throws(PostgresError) {
                try await client.ping()
                Issue.record("expected poolExhausted")
            } catch {
                #expect(error.code == .poolExhausted)
                #expect(error.isUnavailable)
            }
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(190) && waited < .milliseconds(1500))
            for holder in holders { _ = try await holder.value }
            try await client.ping()  // freed connections serve again
        }
    }

    @Test func cancellingAWaiterFreesItsPlace() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1, configure: { $0.acquireTimeout = .seconds(10) }) { client, _ in
            let holder = Task { try await client.query("SELECT pg_sleep(0.6)") }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task { () async throws -> PostgresRows in try await client.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            let outcome = await waiter.result
            #expect(throws: PostgresError.self) { try outcome.get() }
            if case .failure(let failure) = outcome, let error = failure as? PostgresError { #expect(error.code == .cancelled) }
            _ = try await holder.value
            try await client.ping()
        }
    }

    @Test func cancellingARunningStatementStopsItOnTheServer() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 2) { client, configuration in
            let start = ContinuousClock.now
            let sleeper = Task { () async throws -> PostgresRows in try await client.query("SELECT pg_sleep(20)") }
            // Cancel only once the server is really running it.
            var running = false
            while !running, ContinuousClock.now - start < .seconds(5) {
                try await Task.sleep(for: .milliseconds(20))
                running = try await client.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query = 'SELECT pg_sleep(20)'",
                    [.text(configuration.database)]
                ).single().decode("n", as: Int64.self) == 1
            }
            #expect(running)
            sleeper.cancel()
            let outcome = await sleeper.result
            if case .failure(let failure) = outcome, let error = failure as? PostgresError {
                #expect(error.code == .cancelled)
                #expect(error.sqlState == "57014")
            } else {
                Issue.record("expected the statement to be cancelled")
            }
            #expect(ContinuousClock.now - start < .seconds(5))
            try await client.ping()  // the session is usable again
        }
    }

    @Test(arguments: [0, 1, 5, 20])
    func earlyCancellationIsNotLost(delayMilliseconds: Int) async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let start = ContinuousClock.now
            let sleeper = Task { () async throws -> PostgresRows in try await client.query("SELECT pg_sleep(20)") }
            if delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(delayMilliseconds)) }
            sleeper.cancel()
            let outcome = await sleeper.result
            if case .failure(let failure) = outcome, let error = failure as? PostgresError {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("expected the statement to be cancelled")
            }
            #expect(ContinuousClock.now - start < .seconds(5))
            try await client.ping()
        }
    }

    @Test func statementTimeoutIsATypedTimeout() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1, configure: { $0.statementTimeout = .milliseconds(100) }) { client, _ in
            do throws(PostgresError) {
                try await client.execute("SELECT pg_sleep(2)")
                Issue.record("expected a timeout")
            } catch {
                #expect(error.code == .timeout)
                #expect(error.sqlState == "57014")
            }
            try await client.ping()
        }
    }

    @Test func connectionCannotBeUsedAfterItsClosure() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, _ in
            let escaped = try await client.withConnection { connection throws(PostgresError) in connection }
            do throws(PostgresError) {
                try await escaped.execute("SELECT 1")
                Issue.record("expected the escaped connection to be refused")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func shutdownFailsLaterCalls() async throws {
        try await PostgresTestDatabase.withDatabase(poolSize: 1) { client, configuration in
            let other = try PostgresClient(configuration: configuration)
            try await other.ping()
            other.shutdown()
            do throws(PostgresError) {
                try await other.ping()
                Issue.record("expected closed")
            } catch {
                #expect(error.code == .closed)
            }
        }
    }
}
