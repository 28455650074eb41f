import Foundation
import Storage
import Synchronization
import Testing
import TestSupport

/// The budget's guarantees across three nodes: concurrent reservations never pass a budget.
@Suite(.serialized) struct BudgetClusterTests {
    final class Counts: Sendable {
        let allowed = Atomic<Int>(0)
        let denied = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }

    @Test func concurrentReservationsNeverPassTheBudget() async throws {
        let prefix = "budc\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: ["COORD_KEY_PREFIX": prefix])
        defer { Task { await cluster.stop() } }
        let base = cluster.baseURL
        #expect(try await BudgetAPI.waitForBudgets(base))
        // $1.00 a day; every call reserves $0.07 as critical (so only the limit itself can refuse it).
        #expect(try await BudgetAPI.put(base, "stripe/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":1000000}"#).status == 200)
        let user = try BudgetAPI.token(.user)
        let counts = Counts()
        var nodeBases: [String] = []
        for node in cluster.nodes { nodeBases.append("http://127.0.0.1:\(try await node.waitForPort())") }
        let bases = nodeBases
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<12 {
                group.addTask {
                    for _ in 0..<5 {
                        // Straight to the nodes too, not only through HAProxy: every node decides.
                        let reply = try await BudgetAPI.post(worker % 2 == 0 ? base : bases[worker % 3], "check-rate-limit", user,
                                                             #"{"service":"stripe","costMicros":70000,"priority":"critical"}"#)
                        guard reply.status == 200, let json = try? reply.json() else { counts.failed.add(1, ordering: .relaxed); continue }
                        if json["allowed"] as? Bool == true { counts.allowed.add(1, ordering: .relaxed) } else { counts.denied.add(1, ordering: .relaxed) }
                    }
                }
            }
            try await group.waitForAll()
        }
        // 14 x $0.07 = $0.98 fits; a 15th would pass $1.00.
        #expect(counts.failed.load(ordering: .relaxed) == 0)
        #expect(counts.allowed.load(ordering: .relaxed) == 14, "allowed \(counts.allowed.load(ordering: .relaxed)), denied \(counts.denied.load(ordering: .relaxed))")
        let state = try #require(try await BudgetAPI.monitoring(base, "stripe"))
        #expect(state["reservedMicros"] as? Int == 980_000)
        #expect(state["liveReservations"] as? Int == 14)
    }
}
