import Foundation
import Testing
import TestSupport

/// `POST /call` on one node against the provider emulator and real Redis/PostgreSQL: each adapter end
/// to end, refusals that send nothing, the actual cost settled, the same idempotency key calling once.
@Suite(.serialized) struct CallEndpointTests {
    /// One valid call per service, as a client would send it.
    static let calls: [(service: String, body: String)] = [
        ("maps", #"{"service":"maps","operation":"distancematrix","payload":{"origins":["Berlin"],"destinations":["Hamburg","Munich"],"mode":"driving"}}"#),
        ("stripe", #"{"service":"stripe","operation":"payment_intents","payload":{"amount":2000,"currency":"usd"}}"#),
        ("twilio", #"{"service":"twilio","operation":"messages.create","payload":{"to":"+15555550100","from":"+15555550199","body":"hello"}}"#),
        ("sendgrid", #"{"service":"sendgrid","operation":"mail.send","payload":{"from":{"email":"ops@example.com"},"subject":"Hi","content":[{"type":"text/plain","value":"hello"}],"personalization":{"to":[{"email":"a@example.com"}]}}}"#),
        ("samsara", #"{"service":"samsara","operation":"vehicles.stats","payload":{"vehicleId":"v-1","types":["gps"]}}"#),
        ("airtable", #"{"service":"airtable","operation":"records.create","payload":{"baseId":"appTest","table":"Orders","fields":{"Name":"one"}}}"#),
    ]

    struct Setup {
        let emulator: EmulatorProcess
        let node: NodeProcess
        let base: String
        let databaseURL: String
        let prefix: String
    }

    static func start(extra: [String: String] = [:], database: Bool = false) async throws -> Setup {
        let emulator = try await CallAPI.startEmulator()
        let prefix = "call\(UInt32.random(in: 0...UInt32.max))"
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(
            id: prefix, extra: CallAPI.environment(emulator, extra: ["COORD_KEY_PREFIX": prefix].merging(extra) { $1 })))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        #expect(try await BudgetAPI.waitForBudgets(base))
        return Setup(emulator: emulator, node: node, base: base, databaseURL: try TestEnvironment.databaseURL(), prefix: prefix)
    }

    /// The service's spend today as the budget reports it (-1 if it has no budget state).
    static func spent(_ setup: Setup, _ service: String) async throws -> Int {
        try await BudgetAPI.monitoring(setup.base, service)?["spentTodayMicros"] as? Int ?? -1
    }

    static func stop(_ setup: Setup) async {
        await setup.node.stop()
        await setup.emulator.stop()
    }

    @Test func everyAdapterCallsItsProviderOnceAndSettlesTheCost() async throws {
        let setup = try await Self.start()
        defer { Task { await Self.stop(setup) } }
        for (service, body) in Self.calls {
            let before = try await BudgetAPI.monitoring(setup.base, service)
            let reply = try await CallAPI.call(setup.base, body)
            #expect(reply.status == 200, "\(service): \(reply.text)\n\(setup.node.log.suffix(2000))")
            let json = try reply.json()
            #expect(json["succeeded"] as? Bool == true, "\(service): \(reply.text)")
            #expect((200..<300).contains(json["status"] as? Int ?? 0), "\(service): \(reply.text)")
            #expect(json["attempts"] as? Int == 1)
            #expect(try await CallAPI.requests(setup.emulator, service) == 1, "\(service) reached its provider once")
            let cost = json["costMicros"] as? Int ?? -1
            #expect(cost >= 0)
            // The reservation is gone and the day's spend grew by the settled cost exactly.
            let after = try #require(try await BudgetAPI.monitoring(setup.base, service))
            #expect(after["reservedMicros"] as? Int == 0, "\(service): \(after)")
            let spentBefore = before?["spentTodayMicros"] as? Int ?? 0
            #expect(after["spentTodayMicros"] as? Int == spentBefore + cost, "\(service): \(after)")
            // One row per call in upstream_calls (through the ledger outbox), with this request's id.
            let requestID = try #require(json["requestId"] as? String)
            #expect(try await eventually(timeout: .seconds(15)) {
                try await CallAPI.calls(setup.databaseURL, service).contains { $0.requestID == requestID }
            }, "\(service): no upstream_calls row")
            let row = try #require(try await CallAPI.calls(setup.databaseURL, service).first { $0.requestID == requestID })
            #expect(row.outcome == "succeeded")
            #expect(row.cost == Int64(cost))
            #expect(row.status == json["status"] as? Int)
        }
        // Maps bills per element: 1 origin x 2 destinations.
        let maps = try await CallAPI.call(setup.base, Self.calls[0].body)
        #expect(try maps.json()["costMicros"] as? Int == 2 * 5_000)
    }

    @Test func theProvidersRefusalOfTheItemIsAnAnswerNotACharge() async throws {
        let setup = try await Self.start()
        defer { Task { await Self.stop(setup) } }
        let reply = try await CallAPI.call(setup.base,
                                           #"{"service":"stripe","operation":"payment_intents","payload":{"amount":10,"currency":"usd"}}"#)
        #expect(reply.status == 200, "\(reply.text)")
        let json = try reply.json()
        #expect(json["succeeded"] as? Bool == false)
        #expect(json["status"] as? Int == 400)
        #expect((json["error"] as? [String: Any])?["code"] as? String == "amount_too_small")
        #expect(json["costMicros"] as? Int == 0)
        let state = try #require(try await BudgetAPI.monitoring(setup.base, "stripe"))
        #expect(state["reservedMicros"] as? Int == 0)
    }

    @Test func badInputIsRefusedBeforeAnythingIsReservedOrSent() async throws {
        let setup = try await Self.start(extra: ["COORD_API_KEY_SAMSARA": ""])
        defer { Task { await Self.stop(setup) } }
        let cases: [(body: String, status: Int, code: String, field: String?)] = [
            (#"{"service":"maps","operation":"distancematrix","payload":{"destinations":["Hamburg"]}}"#, 400, "invalid_payload", "payload.origins"),
            (#"{"service":"maps","operation":"geocode","payload":{"origins":["a"],"destinations":["b"]}}"#, 400, "invalid_payload", "operation"),
            (#"{"service":"nope","operation":"x","payload":{}}"#, 404, "unknown_service", "service"),
            (#"{"service":"maps","operation":"distancematrix"}"#, 400, "missing_field", "payload"),
            (#"{"service":"maps","operation":"distancematrix","payload":[1]}"#, 400, "invalid_field", "payload"),
            (#"{"service":"maps","operation":"distancematrix","payload":{"origins":["a"],"destinations":["b"]},"idempotencyKey":"has space"}"#, 400, "invalid_field", "idempotencyKey"),
            (#"{"service":"maps","operation":"distancematrix","payload":{"origins":["a"],"destinations":["b"]},"priority":"urgent"}"#, 400, "invalid_field", "priority"),
            (#"{"service":"samsara","operation":"vehicles.stats","payload":{"vehicleId":"v-1","types":["gps"]}}"#, 503, "provider_not_configured", nil),
        ]
        // The day's spend is rebuilt from the shared test database: compare against it, not zero.
        var spentBefore: [String: Int] = [:]
        for service in ["maps", "samsara"] { spentBefore[service] = try await Self.spent(setup, service) }
        for item in cases {
            let reply = try await CallAPI.call(setup.base, item.body)
            #expect(reply.status == item.status, "\(item.body): \(reply.text)")
            let error = try reply.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == item.code, "\(item.body): \(reply.text)")
            if let field = item.field { #expect(error?["field"] as? String == field, "\(item.body): \(reply.text)") }
        }
        // Too many origins for one request: the provider's limit, checked before sending.
        let origins = (0..<26).map { "\"o\($0)\"" }.joined(separator: ",")
        let over = try await CallAPI.call(setup.base, #"{"service":"maps","operation":"distancematrix","payload":{"origins":[\#(origins)],"destinations":["b"]}}"#)
        #expect(over.status == 400, "\(over.text)")
        // A token is needed, and a viewer's is not enough... every route's rule, here too.
        #expect(try await TestHTTP.request(setup.base + "/api/v1/external-services/call", method: "POST",
                                           headers: ["Content-Type": "application/json"], body: Data(Self.calls[0].body.utf8)).status == 401)
        for service in ["maps", "samsara"] {
            #expect(try await CallAPI.requests(setup.emulator, service) == 0, "\(service) was called")
            let state = try #require(try await BudgetAPI.monitoring(setup.base, service))
            #expect(state["reservedMicros"] as? Int == 0)
            #expect(state["spentTodayMicros"] as? Int == spentBefore[service])
        }
    }

    @Test func theSameIdempotencyKeyCallsTheProviderOnce() async throws {
        let setup = try await Self.start()
        defer { Task { await Self.stop(setup) } }
        let key = "order-\(UInt32.random(in: 0...UInt32.max))"
        let body = #"{"service":"twilio","operation":"messages.create","payload":{"to":"+15555550100","from":"+15555550199","body":"once"},"idempotencyKey":"\#(key)"}"#
        let spentBefore = try await Self.spent(setup, "twilio")
        let first = try await CallAPI.call(setup.base, body)
        #expect(first.status == 200, "\(first.text)")
        #expect(first.header("Idempotent-Replayed") == nil)
        let second = try await CallAPI.call(setup.base, body)
        #expect(second.status == 200)
        #expect(second.header("Idempotent-Replayed") == "true")
        #expect(second.body == first.body, "the replay is the first answer byte for byte")
        #expect(try await CallAPI.requests(setup.emulator, "twilio") == 1)
        let state = try #require(try await BudgetAPI.monitoring(setup.base, "twilio"))
        #expect(state["spentTodayMicros"] as? Int == spentBefore + (try first.json()["costMicros"] as? Int ?? -1))
    }

    /// Sent but never answered: the provider may have done the work, so the budget counts the
    /// estimate (samsara: 100 per call + 200 per vehicle) and the call's row says `unknown`.
    @Test func aProviderThatDoesNotAnswerIsATimeoutThatCountsTheEstimate() async throws {
        let setup = try await Self.start(extra: ["COORD_UPSTREAM_TIMEOUT_MS": "400"])
        defer { Task { await Self.stop(setup) } }
        try await setup.emulator.configure(#"{"service":"samsara","latencyMs":3000}"#)
        let spentBefore = try await Self.spent(setup, "samsara")
        let started = ContinuousClock.now
        let reply = try await CallAPI.call(setup.base, #"{"service":"samsara","operation":"vehicles.stats","payload":{"vehicleId":"v-1","types":["gps"]}}"#)
        #expect(reply.status == 504, "\(reply.text)")
        #expect(try reply.json()["error"].flatMap { $0 as? [String: Any] }?["code"] as? String == "upstream_timeout")
        #expect(reply.header("Retry-After") != nil)
        #expect(ContinuousClock.now - started < .seconds(2), "answered at the timeout, not the provider's pace")
        let state = try #require(try await BudgetAPI.monitoring(setup.base, "samsara"))
        #expect(state["reservedMicros"] as? Int == 0)
        #expect(state["spentTodayMicros"] as? Int == spentBefore + 300)
        let requestID = try #require(try reply.json()["requestId"] as? String)
        #expect(try await CallAPI.waitForCalls(setup.databaseURL, "samsara", count: 1))
        #expect(try await eventually(timeout: .seconds(10)) {
            try await CallAPI.calls(setup.databaseURL, "samsara").contains { $0.requestID == requestID && $0.outcome == "unknown" && $0.cost == 300 }
        })
    }

    @Test func aProvidersRateLimitIsRetriedAfterItsRetryAfterThenReported() async throws {
        let setup = try await Self.start()
        defer { Task { await Self.stop(setup) } }
        try await setup.emulator.configure(#"{"service":"airtable","rateLimited":true,"retryAfterSeconds":1}"#)
        let started = ContinuousClock.now
        let reply = try await CallAPI.call(setup.base, Self.calls[5].body)
        let elapsed = ContinuousClock.now - started
        #expect(reply.status == 200, "\(reply.text)")
        let json = try reply.json()
        #expect(json["status"] as? Int == 429)
        #expect(json["succeeded"] as? Bool == false)
        let attempts = json["attempts"] as? Int ?? 0
        #expect(attempts >= 2, "429 is retried")
        #expect(elapsed >= .seconds(attempts - 1), "each retry waited the provider's Retry-After (\(elapsed))")
        #expect(try await CallAPI.requests(setup.emulator, "airtable") == attempts)
    }

    @Test func theServicesRateLimitRefusesBeforeTheProviderSeesTheCall() async throws {
        let setup = try await Self.start()
        defer { Task { await Self.stop(setup) } }
        #expect(try await BudgetAPI.put(setup.base, "maps/limits", try BudgetAPI.token(.admin),
                                        #"{"burstPerSecond":2,"sustainedPerMinute":100}"#).status == 200)
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await CallAPI.call(setup.base, Self.calls[0].body).status) }
        #expect(statuses.filter { $0 == 200 }.count == 2, "\(statuses)")
        let refused = try await CallAPI.call(setup.base, Self.calls[0].body)
        #expect(refused.status == 429)
        let error = try refused.json()["error"] as? [String: Any]
        #expect(error?["code"] as? String == "rate_limited")
        #expect(error?["deniedBy"] as? String == "burst")
        #expect(refused.header("Retry-After") != nil)
        #expect(try await CallAPI.requests(setup.emulator, "maps") == 2)
        // A budget that cannot take the next call: budget_exceeded, nothing sent.
        #expect(try await BudgetAPI.put(setup.base, "samsara/budget", try BudgetAPI.token(.admin), #"{"dailyLimitMicros":1}"#).status == 200)
        let broke = try await CallAPI.call(setup.base, #"{"service":"samsara","operation":"vehicles.stats","payload":{"vehicleId":"v-1","types":["gps"]},"costMicros":5000}"#)
        #expect(broke.status == 429, "\(broke.text)")
        #expect((try broke.json()["error"] as? [String: Any])?["code"] as? String == "budget_exceeded")
        #expect(try await CallAPI.requests(setup.emulator, "samsara") == 0)
    }
}
