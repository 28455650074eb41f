import Foundation
import Logging
import Storage
import Synchronization

/// Applies the numbered SQL migrations at start and keeps the node not-ready (`migrations`) until
/// they are. While PostgreSQL is down the duty retries with backoff (the node serves meanwhile);
/// several nodes may do this at once: the runner's advisory lock applies each migration once.
struct MigrationsFeature: NodeFeature {
    let name = "migrations"
    let postgres: PostgresClient
    let directory: URL
    let logger: Logger
    /// Set once this node has seen the migrations applied (by itself or another node).
    let applied: Flag

    /// A flag shared by the duty and the readiness check.
    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    init(_ services: NodeServices) {
        postgres = services.postgres
        directory = services.configuration.migrationsDirectory
        logger = services.logger
        applied = Flag()
    }

    var duties: [Duty] {
        [Duty("migrations.apply", .untilDone) { [self] in try await apply() }]
    }

    var readinessChecks: [ReadinessCheck] {
        [ReadinessCheck("migrations") { [applied] in
            applied.value.load(ordering: .acquiring) ? nil : "migrations not applied yet"
        }]
    }

    /// One attempt. A changed or broken migration file will not fix itself: it is logged loudly and
    /// the duty ends (the node stays not ready); an outage is thrown, and the runner retries.
    func apply() async throws(PostgresError) {
        do {
            let done = try await MigrationRunner(client: postgres, directory: directory).run()
            applied.value.store(true, ordering: .releasing)
            logger.info("migrations up to date", ["applied": .int(done.count)])
        } catch where error.code == .migrationChecksumMismatch || error.code == .migrationFailed {
            logger.error("migrations refused; this node stays not ready", ["error": .string(error.logDescription)])
        }
    }
}
