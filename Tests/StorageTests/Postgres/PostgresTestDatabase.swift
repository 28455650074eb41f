import Foundation
import Testing
import TestSupport
@testable import Storage

/// Gives each test its own throwaway database on the server that scripts/test.sh started, so tests
/// run in parallel without seeing each other's rows.
enum PostgresTestDatabase {
    static func adminConfiguration() throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: TestEnvironment.databaseURL())
        configuration.poolSize = 2
        return configuration
    }

    /// Creates `t_<random>`, hands a client on it to `body`, then drops it whatever happened.
    static func withDatabase<T>(
        poolSize: Int = 4,
        configure: (inout PostgresConfiguration) -> Void = { _ in },
        _ body: (PostgresClient, PostgresConfiguration) async throws -> T
    ) async throws -> T {
        let admin = try PostgresClient(configuration: adminConfiguration())
        defer { admin.shutdown() }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try await admin.execute("CREATE DATABASE \(name)")
        var configuration = admin.configuration
        configuration.database = name
        configuration.poolSize = poolSize
        configure(&configuration)
        let client = try PostgresClient(configuration: configuration)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(client, configuration))
        } catch {
            result = .failure(error)
        }
        client.shutdown()
        try await admin.execute("DROP DATABASE \(name) WITH (FORCE)")
        return try result.get()
    }
}
