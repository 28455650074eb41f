import Foundation
import Testing
@testable import Storage

/// Gives each test its own throwaway database on the server that scripts/test.sh started, so tests
/// run in parallel without seeing each other's rows.
enum PostgresTestDatabase {
    struct MissingEnvironment: Error, CustomStringConvertible {
        var description: String {
            "COORD_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh "
                + "(or eval \"$(scripts/test-services.sh start)\" first)"
        }
    }

    static func adminConfiguration() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment["COORD_TEST_DATABASE_URL"], !url.isEmpty else {
            throw MissingEnvironment()
        }
        var configuration = try PostgresConfiguration(url: url)
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
