import Foundation
import Testing
import TestSupport
@testable import Storage

@Suite struct PostgresReconnectTests {
    @Test func terminatedSessionsAreReplaced() async throws {
        let admin = try PostgresClient(configuration: PostgresTestDatabase.adminConfiguration())
        defer { admin.shutdown() }
        try await PostgresTestDatabase.withDatabase(poolSize: 3) { client, configuration in
            // Open all three sessions at once.
            let before = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await client.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)").single().decode("pid") }
                }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(before.count == 3)
            let terminated = try await admin.query(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n FROM pg_stat_activity WHERE datname = $1",
                [.text(configuration.database)]
            ).single().decode("n", as: Int64.self)
            #expect(terminated == 3)
            for _ in 0..<6 {
                let pid: Int32 = try await client.query("SELECT pg_backend_pid() AS pid").single().decode("pid")
                #expect(!before.contains(pid))
            }
            try await client.withTransaction { connection throws(PostgresError) in
                try await connection.execute("SELECT 1")
            }
        }
    }

    @Test func closedPortFailsFastWithConnectionFailed() async throws {
        let client = try PostgresClient(configuration: PostgresConfiguration(
            host: "127.0.0.1", port: LoopbackPort.free(), poolSize: 1, connectTimeout: .seconds(2)))
        defer { client.shutdown() }
        let start = ContinuousClock.now
        do throws(PostgresError) {
            try await client.ping()
            Issue.record("expected connectionFailed")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.isUnavailable)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func missingDatabaseIsAConnectionFailure() async throws {
        var configuration = try PostgresTestDatabase.adminConfiguration()
        configuration.database = "t_does_not_exist_" + UUID().uuidString.prefix(8).lowercased()
        let client = try PostgresClient(configuration: configuration)
        defer { client.shutdown() }
        do throws(PostgresError) {
            try await client.ping()
            Issue.record("expected connectionFailed")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("does not exist"))
        }
    }

    /// Starts a private server with password auth, then stops and restarts it under a live pool.
    @Test func wrongPasswordAndServerRestart() async throws {
        let server = try await PostgresTestServer.create(password: "right-secret")
        do {
            try await restartScenario(server)
        } catch {
            await server.destroy()
            throw error
        }
        await server.destroy()
    }

    private func restartScenario(_ server: PostgresTestServer) async throws {

        var wrong = try PostgresConfiguration(url: server.url)
        wrong.password = "wrong-secret"
        wrong.poolSize = 1
        let rejected = try PostgresClient(configuration: wrong)
        defer { rejected.shutdown() }
        do throws(PostgresError) {
            try await rejected.ping()
            Issue.record("expected authenticationFailed")
        } catch {
            #expect(error.code == .authenticationFailed)
            #expect(!error.description.contains("wrong-secret"))
        }

        var configuration = try PostgresConfiguration(url: server.url)
        configuration.poolSize = 3
        configuration.connectTimeout = .seconds(2)
        let client = try PostgresClient(configuration: configuration)
        defer { client.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { try await client.execute("SELECT pg_sleep(0.1)") } }
            try await group.waitForAll()
        }

        try await server.stop()
        let start = ContinuousClock.now
        for _ in 0..<3 {
            do throws(PostgresError) {
                try await client.ping()
                Issue.record("expected the outage to be reported")
            } catch {
                #expect(error.code == .connectionFailed)
            }
        }
        #expect(ContinuousClock.now - start < .seconds(2))

        try await server.start()
        for _ in 0..<5 { try await client.ping() }
        let total = try await withThrowingTaskGroup(of: Int64.self) { group in
            for value in 1...6 {
                group.addTask { try await client.query("SELECT $1::int8 AS v", [.int(value)]).single().decode("v") }
            }
            return try await group.reduce(0, +)
        }
        #expect(total == 21)
    }
}
