import Foundation
import Synchronization
import Testing
import TestSupport

/// Every answered call is a row in PostgreSQL and a cost in the budget, across three nodes with one
/// SIGKILLed mid-run, counted against the emulator's own record of what it received.
@Suite(.serialized) struct CallLedgerClusterTests {
    final class Answers: Sendable {
        let requestIDs = Mutex<[String: Int]>([:])
        let statuses = Mutex<[String: Int]>([:])
    }

    @Test func everyAnsweredCallIsRecordedOnceWithANodeKilledMidRun() async throws {
        let emulator = try await CallAPI.startEmulator()
        defer { Task { await emulator.stop() } }
        try await emulator.configure(#"{"service":"twilio","latencyMs":50}"#)
        let prefix = "cled\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: CallAPI.environment(emulator, extra: ["COORD_KEY_PREFIX": prefix]))
        defer { Task { await cluster.stop() } }
        #expect(try await BudgetAPI.waitForBudgets(cluster.baseURL))
        // Room for the whole run: the rate limit is not what this test is about.
        #expect(try await BudgetAPI.put(cluster.baseURL, "twilio/limits", try BudgetAPI.token(.admin),
                                        #"{"burstPerSecond":1000,"sustainedPerMinute":60000}"#).status == 200)
        var nodeBases: [String] = []
        for node in cluster.nodes { nodeBases.append("http://127.0.0.1:\(try await node.waitForPort())") }
        let bases = nodeBases
        let answers = Answers()
        let body = #"{"service":"twilio","operation":"messages.create","payload":{"to":"+15555550100","from":"+15555550199","body":"ledger"}}"#
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    for _ in 0..<10 {
                        // A request to the killed node fails at the transport: no answer, no claim.
                        let reply = try? await CallAPI.call(bases[worker % 3], body)
                        answers.statuses.withLock { $0[reply.map { "\($0.status)" } ?? "transport", default: 0] += 1 }
                        guard let reply, reply.status == 200,
                              let json = try? reply.json(), let id = json["requestId"] as? String else { continue }
                        answers.requestIDs.withLock { $0[id] = json["costMicros"] as? Int ?? -1 }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(300))
                await cluster.nodes[2].killNow()
            }
            try await group.waitForAll()
        }
        let answered = answers.requestIDs.withLock { $0 }
        #expect(answers.statuses.withLock { $0["transport"] ?? 0 } > 0, "the kill landed mid-run: \(answers.statuses.withLock { $0 })")
        #expect(answered.count >= 20, "the two live nodes answered their share: \(answers.statuses.withLock { $0 })")
        // Every answer is a row (the outbox is drained by the surviving nodes too).
        #expect(try await CallAPI.waitForCalls(cluster.databaseURL, "twilio", count: answered.count))
        let rows = try await CallAPI.calls(cluster.databaseURL, "twilio")
        let rowIDs = Dictionary(rows.map { ($0.requestID, $0.cost) }, uniquingKeysWith: { first, _ in first })
        #expect(rows.count == rowIDs.count, "one row per call")
        for (id, cost) in answered { #expect(rowIDs[id] == Int64(cost), "answered call \(id) has its row and cost") }
        // No row for a call the provider did not receive.
        let received = try await CallAPI.requests(emulator, "twilio")
        #expect(rows.count <= received, "rows \(rows.count), provider received \(received)")
        // The ledger's cost rows add up to the rows' costs (the call and its cost are one entry).
        let ledger = try await BudgetAPI.ledger(cluster.databaseURL, "twilio")
        #expect(ledger.values.reduce(0, +) == rows.map(\.cost).reduce(0, +))
    }
}
