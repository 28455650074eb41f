import Logging
import Foundation
import Coordination
import Storage

extension NodeApp {
    /// Applies migrations at start; while PostgreSQL is down, retries with backoff (the node serves
    /// meanwhile and /readyz says what is missing). Several nodes may do this at once: the runner's
    /// advisory lock makes each migration apply exactly once.
    func migrateUntilDone() async {
        var delay = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let applied = try await MigrationRunner(client: postgres, directory: configuration.migrationsDirectory).run()
                readiness.migrationsApplied.store(true, ordering: .releasing)
                logger.info("migrations up to date", ["applied": .int(applied.count)])
                return
            } catch {
                if error.code == .migrationChecksumMismatch || error.code == .migrationFailed {
                    // A changed or broken migration file will not fix itself: say so loudly, keep not-ready.
                    logger.error("migrations refused; this node stays not ready", ["error": .string(error.logDescription)])
                    return
                }
                logger.warning("migrations pending: PostgreSQL unavailable", ["error": .string(error.description),
                                                                               "retryInMs": .int(Int(delay.components.seconds * 1000) + Int(delay.components.attoseconds / 1_000_000_000_000_000))])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// Publishes this node in the cluster view every third of the TTL; logs an outage once, not
    /// every beat.
    func heartbeatForever() async {
        let startedAtMs = Int64(startedAt.timeIntervalSince1970 * 1000)
        let interval = Duration.milliseconds(membership.ttlMs / 3)
        var failing = false
        var announced = false
        while !Task.isCancelled {
            do {
                try await membership.heartbeat(nodeID: configuration.nodeID, startedAtMs: startedAtMs)
                if !announced {
                    // Dashboards in api_status_updates see nodes come and go as it happens.
                    announced = (try? await realtimeHub.publish(room: "api_status_updates", event: "node.joined", priority: .medium,
                                                                data: #"{"nodeId":"# + JSONText.quoted(configuration.nodeID) + "}")) != nil
                }
                if failing { logger.info("heartbeat restored") }
                failing = false
            } catch {
                if !failing { logger.warning("heartbeat failed: Redis unavailable", ["error": .string(error.description)]) }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }
}
