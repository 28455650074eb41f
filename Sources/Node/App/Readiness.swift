import Foundation
import Storage
import Synchronization

/// What /readyz reports: each dependency checked now, in parallel, each bounded in time. The node is
/// ready only when Redis and PostgreSQL answer and the migrations are applied.
final class Readiness: Sendable {
    /// One dependency's state, as JSON.
    struct Check: Encodable, Sendable {
        var ok: Bool
        var latencyMs: Double?
        var error: String?
    }

    struct Report: Encodable, Sendable {
        var ready: Bool
        var nodeId: String
        var missing: [String]
        var checks: [String: Check]
    }

    let nodeID: String
    let redis: RedisClient
    let postgres: PostgresClient
    /// Set once this node has seen the migrations applied (by itself or another node).
    let migrationsApplied = Atomic<Bool>(false)
    /// Set on SIGTERM: the node finishes what it has but asks the load balancer for no more.
    let draining = Atomic<Bool>(false)
    /// How long one dependency may take to answer before it counts as down.
    let checkTimeout: Duration

    init(nodeID: String, redis: RedisClient, postgres: PostgresClient, checkTimeout: Duration = .milliseconds(1500)) {
        self.nodeID = nodeID
        self.redis = redis
        self.postgres = postgres
        self.checkTimeout = checkTimeout
    }

    func report() async -> Report {
        async let redisCheck = check { [redis] () async -> String? in
            do { try await redis.ping(); return nil } catch { return "unreachable" }
        }
        async let postgresCheck = check { [postgres] () async -> String? in
            do { try await postgres.ping(); return nil } catch { return "unreachable" }
        }
        let migrations = migrationsApplied.load(ordering: .acquiring)
        let checks: [String: Check] = [
            "redis": await redisCheck,
            "postgres": await postgresCheck,
            "migrations": Check(ok: migrations, error: migrations ? nil : "migrations not applied yet"),
        ]
        var missing = checks.filter { !$0.value.ok }.map(\.key).sorted()
        if draining.load(ordering: .acquiring) { missing.append("draining") }
        return Report(ready: missing.isEmpty, nodeId: nodeID, missing: missing, checks: checks)
    }

    /// Runs one probe under the deadline. Error texts are fixed words: /readyz is unauthenticated, so
    /// addresses and driver messages stay in the logs.
    private func check(_ probe: @escaping @Sendable () async -> String?) async -> Check {
        let start = ContinuousClock.now
        let outcome = await withDeadline(checkTimeout) { await probe() }
        let elapsed = ContinuousClock.now - start
        let ms = (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded()
        switch outcome {
        case .none: return Check(ok: false, latencyMs: ms, error: "timeout")
        case .some(.none): return Check(ok: true, latencyMs: ms)
        case .some(.some(let error)): return Check(ok: false, latencyMs: ms, error: error)
        }
    }
}
