import Foundation
import Synchronization
import Testing
import TestSupport

/// Budgets on real nodes (each test on its own database and key prefix): reserve with
/// `check-rate-limit`, settle with `spend`, the ledger in PostgreSQL, levels, expiry, and bad input
/// refused without changing anything.
@Suite(.serialized) struct BudgetEndpointTests {
    @Test func reserveSettleAndLedger() async throws {
        let prefix = "bud\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 1, prefix: prefix, extra: ["COORD_KEY_PREFIX": prefix])
        defer { Task { await cluster.stop() } }
        let base = cluster.baseURL
        let user = try BudgetAPI.token(.user)
        #expect(try await BudgetAPI.waitForBudgets(base), "budgets never became ready:\n\(cluster.logs)")

        // stripe: daily limit $2.00, monthly $50.
        let check = try await BudgetAPI.post(base, "check-rate-limit", user, #"{"service":"stripe","costMicros":300000}"#)
        #expect(check.status == 200)
        let decision = try check.json()
        #expect(decision["allowed"] as? Bool == true)
        let reservation = try #require(decision["reservationId"] as? String)
        let tiers = decision["tiers"] as? [[String: Any]] ?? []
        #expect(tiers.map { $0["name"] as? String } == ["burst", "sustained", "daily_budget", "monthly_budget"])
        #expect(tiers.last?["used"] as? Int == 300_000)
        #expect(tiers[2]["limit"] as? Int == 2_000_000)
        #expect((decision["budget"] as? [String: Any])?["reservedMicros"] as? Int == 300_000)

        // Settle with the actual cost; settling again answers the first settlement and counts nothing.
        let spend = try await BudgetAPI.post(base, "spend", user,
                                             #"{"service":"stripe","operation":"charge","costMicros":250000,"reservationId":"\#(reservation)"}"#)
        #expect(spend.status == 200, "\(spend.text)")
        let settled = try spend.json()
        #expect(settled["outcome"] as? String == "settled")
        let eventID = try #require(settled["eventId"] as? String)
        let budget = settled["budget"] as? [String: Any] ?? [:]
        #expect(budget["spentTodayMicros"] as? Int == 250_000)
        #expect(budget["reservedMicros"] as? Int == 0)
        let again = try await BudgetAPI.post(base, "spend", user,
                                             #"{"service":"stripe","operation":"charge","costMicros":250000,"reservationId":"\#(reservation)"}"#).json()
        #expect(again["duplicate"] as? Bool == true)
        #expect(again["eventId"] as? String == eventID)
        #expect((again["budget"] as? [String: Any])?["spentTodayMicros"] as? Int == 250_000)
        let plain = try await BudgetAPI.post(base, "spend", user,
                                             #"{"service":"stripe","operation":"refund","costMicros":100,"idempotencyKey":"refund-7"}"#).json()
        #expect(plain["outcome"] as? String == "recorded")
        let plainID = try #require(plain["eventId"] as? String)
        // A retry with the same idempotency key records nothing again.
        let retried = try await BudgetAPI.post(base, "spend", user,
                                               #"{"service":"stripe","operation":"refund","costMicros":100,"idempotencyKey":"refund-7"}"#).json()
        #expect(retried["duplicate"] as? Bool == true)
        #expect(retried["eventId"] as? String == plainID)
        #expect(try await BudgetAPI.post(base, "spend", user,
                                         #"{"service":"stripe","operation":"x","costMicros":1,"idempotencyKey":"a{b}"}"#).status == 400)

        // Refused input changes nothing.
        for body in [#"{"service":"stripe","operation":"x"}"#, #"{"service":"stripe","operation":"x","costMicros":"5"}"#,
                     #"{"service":"stripe","operation":"x","costMicros":-1}"#, #"{"service":"stripe","costMicros":5}"#,
                     #"{"service":"stripe","operation":"x","costMicros":5,"reservationId":"abc"}"#,
                     #"{"service":"stripe","operation":"x","costMicros":5,"units":0}"#, #"{"service":"stripe","#,
                     #"{"service":"stripe","operation":"x\u0000","costMicros":5}"#] {
            let reply = try await BudgetAPI.post(base, "spend", user, body)
            #expect(reply.status == 400, "\(body) -> \(reply.status) \(reply.text)")
        }
        #expect(try await BudgetAPI.post(base, "spend", user, #"{"service":"nope","operation":"x","costMicros":5}"#).status == 404)
        #expect(try await BudgetAPI.post(base, "check-rate-limit", user, #"{"service":"stripe","costMicros":1.5}"#).status == 400)
        #expect(try await BudgetAPI.post(base, "spend", "bad-token", #"{"service":"stripe","operation":"x","costMicros":5}"#).status == 401)
        let state = try #require(try await BudgetAPI.monitoring(base, "stripe"))
        #expect(state["spentTodayMicros"] as? Int == 250_100)
        #expect(state["reservedMicros"] as? Int == 0)
        #expect(state["level"] as? String == "ok")

        // The ledger: each settled cost once, by event id.
        #expect(try await eventually(timeout: .seconds(15)) { try await BudgetAPI.ledger(cluster.databaseURL, "stripe").count == 2 })
        #expect(try await BudgetAPI.ledger(cluster.databaseURL, "stripe") == [eventID: 250_000, plainID: 100])
        // The outlook from the ledger: under an hour of history, the projection is the month so far.
        let outlook = try #require(try await BudgetAPI.monitoring(base, "stripe"))
        #expect(outlook["projectedMonthMicros"] as? Int == 250_100)
        #expect(outlook["anomaly"] as? Bool == false)

        // Roles: cost-monitoring and budget-alert are a manager's, the budget an admin's.
        #expect(try await TestHTTP.request(base + "/api/v1/external-services/cost-monitoring", bearer: user).status == 403)
        #expect(try await BudgetAPI.put(base, "stripe/budget", try BudgetAPI.token(.manager), #"{"dailyLimitMicros":5}"#).status == 403)
        #expect(try await BudgetAPI.put(base, "nope/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":5}"#).status == 404)
        #expect(try await BudgetAPI.put(base, "stripe/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":-5}"#).status == 400)
        #expect(try await BudgetAPI.put(base, "stripe/budget", try BudgetAPI.token(.admin), #"{}"#).status == 400)
        // Lowering the budget under what is spent raises the level it reaches, once, without a new cost.
        #expect(try await BudgetAPI.put(base, "stripe/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":280000}"#).status == 200)
        #expect(try await eventually(timeout: .seconds(10)) {
            try await Self.alertLevels(cluster.databaseURL, "stripe", period: "day") == ["critical"]
        })
        let alert = try await BudgetAPI.post(base, "budget-alert", try BudgetAPI.token(.manager),
                                             #"{"service":"stripe","level":"warning","message":"heads up"}"#)
        #expect(alert.status == 201, "\(alert.text)")
        #expect(try await BudgetAPI.post(base, "budget-alert", try BudgetAPI.token(.manager),
                                         #"{"service":"stripe","level":"loud","message":"x"}"#).status == 400)
        #expect(try await BudgetAPI.post(base, "budget-alert", user, #"{"service":"stripe","level":"warning","message":"x"}"#).status == 403)
    }

    /// Levels: at 90% only high and critical pass, at 95% only critical, at 100% nothing; each
    /// upward crossing is one `budget_alerts` row per level and period.
    @Test func levelsLetOnlyHigherPrioritiesThrough() async throws {
        let prefix = "budl\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 1, prefix: prefix, extra: ["COORD_KEY_PREFIX": prefix])
        defer { Task { await cluster.stop() } }
        let base = cluster.baseURL
        let user = try BudgetAPI.token(.user)
        #expect(try await BudgetAPI.waitForBudgets(base))
        let put = try await BudgetAPI.put(base, "maps/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":1000000}"#)
        #expect(put.status == 200, "\(put.text)")
        func passes(_ priority: String) async throws -> Bool {
            let reply = try await BudgetAPI.post(base, "check-rate-limit", user,
                                                 #"{"service":"maps","costMicros":1,"priority":"\#(priority)","consume":false}"#).json()
            return reply["allowed"] as? Bool == true
        }
        func spend(_ micros: Int) async throws {
            let reply = try await BudgetAPI.post(base, "spend", user, #"{"service":"maps","operation":"geocode","costMicros":\#(micros)}"#)
            #expect(reply.status == 200, "\(reply.text)")
        }
        try await spend(700_000)
        #expect(try await passes("low"))
        try await spend(200_000)   // 90%: throttled
        #expect(try await passes("medium") == false)
        #expect(try await passes("high"))
        let denied = try await BudgetAPI.post(base, "check-rate-limit", user, #"{"service":"maps","costMicros":1}"#).json()
        #expect(denied["deniedBy"] as? String == "daily_budget")
        #expect((denied["retryAfterMs"] as? Int).map { $0 > 0 && $0 <= 86_400_000 } == true)
        try await spend(50_000)   // 95%: emergency
        #expect(try await passes("high") == false)
        #expect(try await passes("critical"))
        // A critical call still cannot pass the limit itself.
        let over = try await BudgetAPI.post(base, "check-rate-limit", user,
                                            #"{"service":"maps","costMicros":60000,"priority":"critical"}"#).json()
        #expect(over["allowed"] as? Bool == false)
        try await spend(50_000)   // 100%: blocked
        #expect(try await passes("critical") == false)
        let state = try #require(try await BudgetAPI.monitoring(base, "maps"))
        #expect(state["level"] as? String == "blocked")

        let levels = try await eventually(timeout: .seconds(15)) {
            try await Self.alertLevels(cluster.databaseURL, "maps", period: "day") == ["warning", "throttled", "emergency", "blocked"]
        }
        let seen = try await Self.alertLevels(cluster.databaseURL, "maps", period: "day")
        #expect(levels, "day alerts: \(seen)")
        // More spending at the same level raises nothing new.
        try await spend(10)
        try await Task.sleep(for: .seconds(1))
        #expect(try await Self.alertLevels(cluster.databaseURL, "maps", period: "day") == ["warning", "throttled", "emergency", "blocked"])
    }

    static func alertLevels(_ databaseURL: String, _ service: String, period: String) async throws -> [String] {
        let client = try PostgresClient(url: databaseURL)
        defer { client.shutdown() }
        let rows = try await client.query("SELECT level FROM budget_alerts WHERE service = $1 AND period = $2 ORDER BY id",
                                          [.text(service), .text(period)])
        return try rows.map { try $0.decode(at: 0, as: String.self) }
    }

    /// An unsettled reservation is released when it expires (and counted); settling it late still
    /// records the cost, which was spent.
    @Test func reservationsExpire() async throws {
        let prefix = "bude\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 1, prefix: prefix,
                                                  extra: ["COORD_KEY_PREFIX": prefix, "COORD_RESERVATION_TTL_MS": "1000"])
        defer { Task { await cluster.stop() } }
        let base = cluster.baseURL
        let user = try BudgetAPI.token(.user)
        #expect(try await BudgetAPI.waitForBudgets(base))
        let reply = try await BudgetAPI.post(base, "check-rate-limit", user, #"{"service":"sendgrid","costMicros":500000}"#).json()
        let reservation = try #require(reply["reservationId"] as? String)
        #expect(try await BudgetAPI.monitoring(base, "sendgrid")?["reservedMicros"] as? Int == 500_000)
        #expect(try await eventually(timeout: .seconds(5)) {
            let state = try await BudgetAPI.monitoring(base, "sendgrid")
            return state?["reservedMicros"] as? Int == 0 && state?["expiredReservations"] as? Int == 1
        })
        let late = try await BudgetAPI.post(base, "spend", user,
                                            #"{"service":"sendgrid","operation":"send","costMicros":400000,"reservationId":"\#(reservation)"}"#).json()
        #expect(late["outcome"] as? String == "expired")
        #expect((late["budget"] as? [String: Any])?["spentTodayMicros"] as? Int == 400_000)
    }
}

import Storage
