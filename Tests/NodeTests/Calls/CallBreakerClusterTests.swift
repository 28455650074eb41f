import Foundation
import Synchronization
import Testing
import TestSupport

/// The circuit breaker across three nodes against the emulator: a provider that goes down opens the
/// breaker on every node within its window (the emulator stops seeing calls), half-open lets only the
/// configured trials through cluster-wide, a trial's success closes it; each transition reaches
/// `api_status_updates` once.
@Suite(.serialized) struct CallBreakerClusterTests {
    static let body = #"{"service":"maps","operation":"distancematrix","payload":{"origins":["Berlin"],"destinations":["Hamburg"]}}"#

    final class Tally: Sendable {
        let statuses = Mutex<[Int: Int]>([:])
        func add(_ status: Int) { statuses.withLock { $0[status, default: 0] += 1 } }
        func count(_ status: Int) -> Int { statuses.withLock { $0[status] ?? 0 } }
    }

    @Test func downOpensOnEveryNodeHalfOpenAdmitsTheTrialsRecoveryCloses() async throws {
        let emulator = try await CallAPI.startEmulator()
        defer { Task { await emulator.stop() } }
        let prefix = "brk\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: CallAPI.environment(emulator, extra: [
            "COORD_KEY_PREFIX": prefix,
            "COORD_BREAKER_MIN_CALLS": "4", "COORD_BREAKER_ERROR_PERCENT": "50", "COORD_BREAKER_WINDOW_MS": "10000",
            "COORD_BREAKER_CONSECUTIVE_FAILURES": "1000", "COORD_BREAKER_OPEN_MS": "1500", "COORD_BREAKER_OPEN_MAX_MS": "6000",
            "COORD_BREAKER_HALF_OPEN_TRIALS": "1",
        ]))
        defer { Task { await cluster.stop() } }
        #expect(try await BudgetAPI.waitForBudgets(cluster.baseURL))
        var bases: [String] = []
        for node in cluster.nodes { bases.append("http://127.0.0.1:\(try await node.waitForPort())") }
        let socket = try await RealtimeTestClient.connect(port: try await cluster.nodes[0].waitForPort(), token: try BudgetAPI.token(.manager))
        try await socket.send(#"{"type":"subscribe","room":"api_status_updates"}"#)
        _ = try await socket.next(type: "subscribed")

        // Healthy first.
        #expect(try await CallAPI.call(bases[0], Self.body).status == 200)
        try await emulator.configure(#"{"service":"maps","down":true}"#)
        // The healthy call and three failing ones spread over the nodes reach the minimum of four
        // calls at 75% errors: the breaker opens.
        for index in 0..<3 {
            let reply = try await CallAPI.call(bases[index % 3], Self.body)
            #expect(reply.status == 200, "a provider's 503 is its answer: \(reply.text)")
            #expect(try reply.json()["status"] as? Int == 503)
        }
        let sent = try await CallAPI.requests(emulator, "maps")
        // Every node now fails fast, and the provider sees nothing more.
        for base in bases {
            let reply = try await CallAPI.call(base, Self.body)
            #expect(reply.status == 503, "\(reply.text)")
            let error = try reply.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "circuit_open")
            #expect(error?["circuit"] as? String == "open")
            #expect(Int(reply.header("Retry-After") ?? "") ?? 0 >= 1)
        }
        #expect(try await CallAPI.requests(emulator, "maps") == sent, "an open circuit sends nothing")
        let health = try await TestHTTP.request(bases[1] + "/api/v1/external-services/maps/health", bearer: try BudgetAPI.token(.user))
        #expect(health.status == 200)
        #expect(try health.json()["circuit"] as? String == "open")
        // /status on another node says the same, with the service's state.
        let status = try await TestHTTP.request(bases[2] + "/api/v1/external-services/status", bearer: try BudgetAPI.token(.user)).json()
        let maps = (status["services"] as? [[String: Any]])?.first { $0["name"] as? String == "maps" }
        #expect(maps?["circuit"] as? String == "open")
        #expect(maps?["state"] as? String == "down")
        #expect(maps?["budgetUtilization"] is Double || maps?["budgetUtilization"] is Int, "\(String(describing: maps))")

        // The provider recovers but is slow: after the wait, twelve concurrent calls over three
        // nodes find the breaker half-open, and exactly one (the configured trials) gets through.
        try await emulator.configure(#"{"service":"maps","down":false,"latencyMs":400}"#)
        try await Task.sleep(for: .milliseconds(1700))
        let tally = Tally()
        let targets = bases
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask { tally.add(try await CallAPI.call(targets[index % 3], Self.body).status) }
            }
            try await group.waitForAll()
        }
        #expect(tally.count(200) == 1, "one trial across the cluster: \(tally.statuses.withLock { $0 })")
        #expect(tally.count(503) == 11)
        #expect(try await CallAPI.requests(emulator, "maps") == sent + 1)
        // Its success closed the circuit: every node calls again.
        for base in bases { #expect(try await CallAPI.call(base, Self.body).status == 200) }
        #expect(try await TestHTTP.request(bases[2] + "/api/v1/external-services/maps/health",
                                           bearer: try BudgetAPI.token(.user)).json()["circuit"] as? String == "closed")

        // Each transition once: closed -> open -> halfOpen -> closed.
        var seen: [String] = []
        while seen.count < 3 {
            let event = try await socket.next(type: "event")
            guard let data = event["data"] as? [String: Any], data["service"] as? String == "maps", let to = data["to"] as? String else { continue }
            seen.append(to)
        }
        #expect(seen == ["open", "halfOpen", "closed"])
        socket.close()
    }
}
