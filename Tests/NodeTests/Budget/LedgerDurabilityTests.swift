import Coordination
import Foundation
import Storage
import Synchronization
import Testing
import TestSupport

/// The ledger's guarantees with dependencies failing mid-work, counted against PostgreSQL's rows:
/// every acknowledged cost is in `cost_events` exactly once, and budgets hold after Redis lost the
/// counters.
@Suite(.serialized) struct LedgerDurabilityTests {
    /// Three nodes record costs; PostgreSQL stops while more are recorded, a node is SIGKILLed while
    /// it holds entries it read but could not insert, PostgreSQL comes back: every cost the API
    /// acknowledged is a row, once.
    @Test func postgresDownAndANodeKilledMidDrainLoseNothingAndCountNothingTwice() async throws {
        let postgres = try await PostgresTestServer.create(password: "ledger-secret")
        let prefix = "ledg\(UInt32.random(in: 0...UInt32.max))"
        var nodes: [NodeProcess] = []
        var bases: [String] = []
        for index in 1...3 {
            nodes.append(try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "\(prefix)-\(index)", extra: [
                "COORD_KEY_PREFIX": prefix, "COORD_DATABASE_URL": postgres.url, "COORD_LEDGER_CLAIM_IDLE_MS": "2000",
            ])))
        }
        for node in nodes { bases.append("http://127.0.0.1:\(try await node.waitForPort())") }
        let user = try BudgetAPI.token(.user)
        #expect(try await BudgetAPI.waitForBudgets(bases[0]))
        let recorded = Mutex<[String: Int64]>([:])
        func record(_ count: Int, from offset: Int, via candidates: [String]) async throws {
            try await withThrowingTaskGroup(of: (String, Int64)?.self) { group in
                for index in 0..<count {
                    let cost = Int64(offset + index + 1)
                    let base = candidates[index % candidates.count]
                    group.addTask {
                        let reply = try await BudgetAPI.post(base, "spend", user,
                                                             #"{"service":"samsara","operation":"locations","costMicros":\#(cost)}"#)
                        guard reply.status == 200, let id = try reply.json()["eventId"] as? String else { return nil }
                        return (id, cost)
                    }
                }
                for try await result in group {
                    if let (id, cost) = result { recorded.withLock { $0[id] = cost } }
                }
            }
        }
        try await record(30, from: 0, via: bases)
        #expect(try await eventually(timeout: .seconds(15)) { try await BudgetAPI.ledger(postgres.url, "samsara").count == 30 })

        try await postgres.stop()
        // Every node reads entries it cannot insert (they stay pending at that node, which retries
        // them before reading new ones). Waves of costs until node 2 holds some, then kill it, so
        // only a claim by another node can bring them to PostgreSQL.
        let redis = try RedisClient(configuration: .init(url: try TestEnvironment.redisURL()))
        let outbox = KeySpace(prefix: prefix).service("samsara").ledgerOutbox
        var holding = false
        var sent = 30
        for _ in 0..<12 where !holding {
            try await record(10, from: sent, via: bases)
            sent += 10
            holding = try await eventually(timeout: .milliseconds(1_500)) {
                let reply = try await redis.send("XPENDING", outbox, "ledger")
                let consumers = reply.array?.last?.array ?? []
                return consumers.contains { $0.array?.first?.string == "\(prefix)-2" }
            }
        }
        #expect(holding, "node 2 never held outbox entries")
        await nodes[1].killNow()
        try await record(30, from: sent, via: [bases[0], bases[2]])
        sent += 30
        try await postgres.start()

        let expected = recorded.withLock { $0 }
        #expect(expected.count == sent, "the API refused costs while PostgreSQL was down: \(expected.count) of \(sent) acknowledged")
        let complete = try await eventually(timeout: .seconds(40)) {
            try await BudgetAPI.ledger(postgres.url, "samsara").count >= expected.count
        }
        let rows = try await BudgetAPI.ledger(postgres.url, "samsara")
        #expect(complete, "\(rows.count) rows of \(expected.count)\n\(nodes[0].log.suffix(3000))")
        #expect(rows == expected, "rows and acknowledged costs differ: \(Set(rows.keys).symmetricDifference(expected.keys).count) ids")
        // And the counters agree with the ledger.
        let state = try #require(try await BudgetAPI.monitoring(bases[0], "samsara"))
        #expect(state["spentTodayMicros"] as? Int == Int(expected.values.reduce(0, +)))
        let pending = try await redis.send("XPENDING", outbox, "ledger")
        #expect(pending.array?.first?.integer == 0, "entries left pending: \(pending)")
        await redis.shutdown()
        for (index, node) in nodes.enumerated() where index != 1 { await node.stop() }
        await postgres.destroy()
    }

    /// FLUSHALL (Redis lost everything): budget decisions answer 503 until the counters are rebuilt
    /// from the ledger, then the budget holds: the admin's limit and what was spent are both back.
    @Test func flushAllRebuildsTheCountersFromTheLedger() async throws {
        let redisPort = LoopbackPort.free()
        let redis = try await RedisServerProcess(port: redisPort)
        let prefix = "ledf\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: [
            "COORD_KEY_PREFIX": prefix, "COORD_REDIS_URL": redis.url,
        ])
        let base = cluster.baseURL
        let user = try BudgetAPI.token(.user)
        #expect(try await BudgetAPI.waitForBudgets(base))
        #expect(try await BudgetAPI.put(base, "twilio/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":1000000}"#).status == 200)
        for _ in 0..<3 {
            #expect(try await BudgetAPI.post(base, "spend", user, #"{"service":"twilio","operation":"sms","costMicros":200000}"#).status == 200)
        }
        #expect(try await eventually(timeout: .seconds(15)) { try await BudgetAPI.ledger(cluster.databaseURL, "twilio").count == 3 })

        let client = try RedisClient(configuration: .init(url: redis.url))
        _ = try await client.send("FLUSHALL")
        let during = try await BudgetAPI.post(base, "check-rate-limit", user, #"{"service":"twilio","costMicros":1}"#)
        #expect(during.status == 503 || during.status == 200)
        if during.status == 503 {
            #expect(during.header("Retry-After") != nil)
            #expect(during.text.contains("budget_rebuilding"))
        }
        #expect(try await eventually(timeout: .seconds(15)) {
            let state = try await BudgetAPI.monitoring(base, "twilio")
            return state?["spentTodayMicros"] as? Int == 600_000 && state?["dailyLimitMicros"] as? Int == 1_000_000
        }, "\(cluster.logs.suffix(3000))")
        // $0.40 left: exactly four $0.10 critical reservations pass, from any node, concurrently.
        let allowed = Mutex(0)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    let reply = try await BudgetAPI.post(base, "check-rate-limit", user,
                                                         #"{"service":"twilio","costMicros":100000,"priority":"critical"}"#)
                    return try reply.json()["allowed"] as? Bool == true
                }
            }
            for try await ok in group where ok { allowed.withLock { $0 += 1 } }
        }
        #expect(allowed.withLock { $0 } == 4)
        await client.shutdown()
        await cluster.stop()
        redis.kill()
    }
}
