import Foundation
import Logging
import Synchronization

/// What /readyz reports: every feature's checks, run now, in parallel, each bounded in time. The
/// node is ready only when all pass and it is not draining.
final class Readiness: Sendable {
    /// One check's state, as JSON.
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
    let checks: [ReadinessCheck]
    /// Set on SIGTERM: the node finishes what it has but asks the load balancer for no more.
    let draining = Atomic<Bool>(false)
    /// How long one check may take to answer before it counts as failed.
    let checkTimeout: Duration

    init(nodeID: String, checks: [ReadinessCheck], checkTimeout: Duration = .milliseconds(1500)) {
        self.nodeID = nodeID
        self.checks = checks
        self.checkTimeout = checkTimeout
    }

    func report() async -> Report {
        let results = await withTaskGroup(of: (String, Check).self) { group in
            for check in checks {
                group.addTask { [checkTimeout] in (check.name, await Self.run(check, timeout: checkTimeout)) }
            }
            var results: [String: Check] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
        var missing = results.filter { !$0.value.ok }.map(\.key).sorted()
        if draining.load(ordering: .acquiring) { missing.append("draining") }
        return Report(ready: missing.isEmpty, nodeId: nodeID, missing: missing, checks: results)
    }

    /// Runs one probe under the deadline.
    private static func run(_ check: ReadinessCheck, timeout: Duration) async -> Check {
        let start = ContinuousClock.now
        let outcome = await withDeadline(timeout) { await check.probe() }
        let ms = (ContinuousClock.now - start).fractionalMilliseconds.rounded()
        switch outcome {
        case .none: return Check(ok: false, latencyMs: ms, error: "timeout")
        case .some(.none): return Check(ok: true, latencyMs: ms)
        case .some(.some(let error)): return Check(ok: false, latencyMs: ms, error: error)
        }
    }
}
