import Logging
import Foundation
import Storage

/// `coordinator migrate`: applies pending migrations under the runner's advisory lock and exits, so a
/// deploy can migrate once before starting nodes (nodes also migrate at start; the lock makes that safe).
enum MigrateCommand {
    static func run(configuration: NodeConfiguration, logger: Logger) async -> Int32 {
        let client: PostgresClient
        do {
            client = try PostgresClient(url: configuration.databaseURL)
        } catch {
            logger.error("invalid COORD_DATABASE_URL", ["error": .string(error.logDescription)])
            return 2
        }
        defer { client.shutdown() }
        do {
            let applied = try await MigrationRunner(client: client, directory: configuration.migrationsDirectory).run()
            logger.info("migrations applied", ["count": .int(applied.count),
                                               "versions": .string(applied.map { "\($0.version)_\($0.name)" }.joined(separator: ","))])
            return 0
        } catch {
            logger.error("migration failed", ["error": .string(error.logDescription)])
            return 1
        }
    }
}
