import Foundation
import Testing
import TestSupport

/// The provider emulator as a real process over loopback: each provider's success shape, its limit
/// error and auth failure, the knobs (rate limit, outage, reset, latency, error rate) and the counters.
@Suite struct EmulatorTests {
    /// Runs `body` against a fresh emulator with no added latency (unless `arguments` say otherwise)
    /// and always stops it.
    static func withEmulator(_ arguments: [String] = ["--latency-ms", "0"],
                             _ body: (EmulatorProcess) async throws -> Void) async throws {
        let emulator = try await EmulatorProcess.start(arguments: arguments)
        do { try await body(emulator) } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
        // SIGTERM is a clean exit, not a kill.
        #expect(emulator.process.terminationReason == .exit)
        #expect(emulator.process.terminationStatus == 0)
    }

    static func post(_ url: String, json: String, bearer: String? = "SG.test") async throws -> TestHTTP.Reply {
        try await TestHTTP.request(url, method: "POST", bearer: bearer,
                                   headers: ["Content-Type": "application/json"], body: Data(json.utf8))
    }

    static func form(_ url: String, _ body: String, basic: (String, String)?, headers: [String: String] = [:]) async throws -> TestHTTP.Reply {
        var headers = headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if let (user, password) = basic {
            headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        return try await TestHTTP.request(url, method: "POST", headers: headers, body: Data(body.utf8))
    }

    static func mail(personalizations: Int, recipientsEach: Int = 1, badAddress: (Int, Int)? = nil) -> String {
        let items = (0..<personalizations).map { n in
            let to = (0..<recipientsEach).map { m in
                badAddress.map { $0 == (n, m) } == true ? #"{"email":"not-an-address"}"# : #"{"email":"user\#(n)-\#(m)@example.com"}"#
            }
            return #"{"to":[\#(to.joined(separator: ","))]}"#
        }
        return #"{"personalizations":[\#(items.joined(separator: ","))],"from":{"email":"shop@example.com"},"subject":"Hi","content":[{"type":"text/plain","value":"Hello"}]}"#
    }

    static func firstError(_ reply: TestHTTP.Reply) throws -> [String: Any] {
        (try reply.json()["errors"] as? [[String: Any]])?.first ?? [:]
    }

    @Test func sendGridAcceptsMailAndEnforcesItsLimits() async throws {
        try await Self.withEmulator { emulator in
            let url = emulator.baseURL + "/v3/mail/send"
            let ok = try await Self.post(url, json: Self.mail(personalizations: 3))
            #expect(ok.status == 202)
            #expect(ok.body.isEmpty)
            #expect(ok.header("X-Message-Id")?.isEmpty == false)

            let tooMany = try await Self.post(url, json: Self.mail(personalizations: 1_001))
            #expect(tooMany.status == 400)
            #expect(try Self.firstError(tooMany)["field"] as? String == "personalizations")
            let tooManyRecipients = try await Self.post(url, json: Self.mail(personalizations: 2, recipientsEach: 501))
            #expect(tooManyRecipients.status == 400)
            #expect(try Self.firstError(tooManyRecipients)["field"] as? String == "personalizations")

            let bad = try await Self.post(url, json: Self.mail(personalizations: 3, recipientsEach: 2, badAddress: (2, 1)))
            #expect(bad.status == 400)
            #expect(try Self.firstError(bad)["field"] as? String == "personalizations.2.to.1.email")
            #expect(try Self.firstError(bad).keys.contains("help"))

            let anonymous = try await Self.post(url, json: Self.mail(personalizations: 1), bearer: nil)
            #expect(anonymous.status == 401)
            #expect(try Self.firstError(anonymous)["message"] is String)

            let stats = try await emulator.stats(for: "sendgrid")
            #expect(stats.requests == 5)
            #expect(stats.items == 3)
            #expect(stats.byStatus == ["202": 1, "400": 3, "401": 1])
        }
    }

    @Test func airtableWritesUpToTenRecords() async throws {
        try await Self.withEmulator { emulator in
            let url = emulator.baseURL + "/v0/appTest123/Orders"
            let ten = (0..<10).map { #"{"fields":{"Name":"order \#($0)"}}"# }.joined(separator: ",")
            let ok = try await Self.post(url, json: #"{"records":[\#(ten)]}"#, bearer: "pat.test")
            #expect(ok.status == 200)
            let records = try ok.json()["records"] as? [[String: Any]] ?? []
            #expect(records.count == 10)
            #expect((records.first?["id"] as? String)?.hasPrefix("rec") == true)
            #expect(records.first?["createdTime"] is String)
            #expect((records.first?["fields"] as? [String: Any])?["Name"] as? String == "order 0")

            let update = try await TestHTTP.request(url, method: "PATCH", bearer: "pat.test", headers: ["Content-Type": "application/json"],
                                                    body: Data(#"{"records":[{"id":"recAAAAAAAAAAAAAA","fields":{"Name":"x"}}]}"#.utf8))
            #expect(update.status == 200)
            #expect((try update.json()["records"] as? [[String: Any]])?.first?["id"] as? String == "recAAAAAAAAAAAAAA")

            let eleven = (0..<11).map { #"{"fields":{"Name":"order \#($0)"}}"# }.joined(separator: ",")
            let tooMany = try await Self.post(url, json: #"{"records":[\#(eleven)]}"#, bearer: "pat.test")
            #expect(tooMany.status == 422)
            #expect((try tooMany.json()["error"] as? [String: Any])?["type"] as? String == "INVALID_RECORDS")

            let anonymous = try await Self.post(url, json: #"{"records":[{"fields":{}}]}"#, bearer: nil)
            #expect(anonymous.status == 401)
            #expect((try anonymous.json()["error"] as? [String: Any])?["type"] as? String == "AUTHENTICATION_REQUIRED")

            let stats = try await emulator.stats(for: "airtable")
            #expect(stats.requests == 4)
            #expect(stats.items == 11)
        }
    }

    static func matrix(_ base: String, origins: [String], destinations: [String], key: String? = "AIza-test") async throws -> [String: Any] {
        var url = base + "/maps/api/distancematrix/json?origins=" + origins.joined(separator: "%7C")
            + "&destinations=" + destinations.joined(separator: "%7C") + "&mode=driving"
        if let key { url += "&key=" + key }
        let reply = try await TestHTTP.request(url)
        #expect(reply.status == 200)    // Google answers request-level failures with 200 and a status
        return try reply.json()
    }

    @Test func mapsAnswersAMatrixWithPartialFailuresAndLimits() async throws {
        try await Self.withEmulator { emulator in
            let ok = try await Self.matrix(emulator.baseURL, origins: ["Paris", "Berlin"], destinations: ["Lyon", "nowhere-town"])
            #expect(ok["status"] as? String == "OK")
            #expect(ok["origin_addresses"] as? [String] == ["Paris", "Berlin"])
            let rows = ok["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 2)
            let elements = rows.first?["elements"] as? [[String: Any]] ?? []
            #expect(elements.first?["status"] as? String == "OK")
            let distance = (elements.first?["distance"] as? [String: Any])?["value"] as? Int
            #expect((distance ?? 0) > 0)
            #expect(((elements.first?["duration"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            #expect(elements.last?["status"] as? String == "NOT_FOUND")

            let again = try await Self.matrix(emulator.baseURL, origins: ["Paris"], destinations: ["Lyon"])
            let sameElement = ((again["rows"] as? [[String: Any]])?.first?["elements"] as? [[String: Any]])?.first
            #expect((sameElement?["distance"] as? [String: Any])?["value"] as? Int == distance)

            let places = (1...21).map { "City\($0)" }
            let elementsExceeded = try await Self.matrix(emulator.baseURL, origins: Array(places.prefix(5)), destinations: places)
            #expect(elementsExceeded["status"] as? String == "MAX_ELEMENTS_EXCEEDED")
            let dimensions = try await Self.matrix(emulator.baseURL, origins: (1...26).map { "O\($0)" }, destinations: ["Lyon"])
            #expect(dimensions["status"] as? String == "MAX_DIMENSIONS_EXCEEDED")
            let denied = try await Self.matrix(emulator.baseURL, origins: ["Paris"], destinations: ["Lyon"], key: nil)
            #expect(denied["status"] as? String == "REQUEST_DENIED")

            let stats = try await emulator.stats(for: "maps")
            #expect(stats.requests == 5)
            #expect(stats.items == 5)    // 2 x 2 elements, then 1
        }
    }

    @Test func samsaraLeavesMissingVehiclesOutAndNeedsTypes() async throws {
        try await Self.withEmulator { emulator in
            let url = emulator.baseURL + "/fleet/vehicles/stats?vehicleIds=v1,missing-7,v2&types=gps,engineStates"
            let ok = try await TestHTTP.request(url, bearer: "samsara_api_test")
            #expect(ok.status == 200)
            let json = try ok.json()
            let data = json["data"] as? [[String: Any]] ?? []
            #expect(data.compactMap { $0["id"] as? String } == ["v1", "v2"])
            #expect((data.first?["gps"] as? [String: Any])?["latitude"] is Double)
            #expect(data.first?["engineState"] is [String: Any])
            #expect((json["pagination"] as? [String: Any])?["hasNextPage"] as? Bool == false)

            let noTypes = try await TestHTTP.request(emulator.baseURL + "/fleet/vehicles/stats?vehicleIds=v1", bearer: "samsara_api_test")
            #expect(noTypes.status == 400)
            #expect(try noTypes.json()["message"] is String)
            let anonymous = try await TestHTTP.request(url)
            #expect(anonymous.status == 401)

            let stats = try await emulator.stats(for: "samsara")
            #expect(stats.requests == 3)
            #expect(stats.items == 3)
        }
    }

    @Test func stripeCreatesObjectsAndReplaysIdempotentRequests() async throws {
        try await Self.withEmulator { emulator in
            let url = emulator.baseURL + "/v1/charges"
            let key = ("sk_test_emulator", "")
            let first = try await Self.form(url, "amount=2000&currency=usd&metadata[order]=42", basic: key, headers: ["Idempotency-Key": "order-42"])
            #expect(first.status == 200)
            let charge = try first.json()
            #expect((charge["id"] as? String)?.hasPrefix("ch_") == true)
            #expect(charge["object"] as? String == "charge")
            #expect(charge["amount"] as? Int == 2000)
            #expect((charge["metadata"] as? [String: Any])?["order"] as? String == "42")
            #expect(first.header("Idempotent-Replayed") == nil)

            let replay = try await Self.form(url, "amount=2000&currency=usd&metadata[order]=42", basic: key, headers: ["Idempotency-Key": "order-42"])
            #expect(replay.status == 200)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(try replay.json()["id"] as? String == charge["id"] as? String)

            let otherParameters = try await Self.form(url, "amount=3000&currency=usd", basic: key, headers: ["Idempotency-Key": "order-42"])
            #expect(otherParameters.status == 400)
            #expect((try otherParameters.json()["error"] as? [String: Any])?["type"] as? String == "idempotency_error")

            let small = try await TestHTTP.request(url, method: "POST", bearer: "sk_test_emulator",
                                                   headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data("amount=20&currency=usd".utf8))
            #expect(small.status == 400)
            let error = try small.json()["error"] as? [String: Any] ?? [:]
            #expect(error["code"] as? String == "amount_too_small")
            #expect(error["param"] as? String == "amount")
            #expect(error["type"] as? String == "invalid_request_error")

            let intent = try await Self.form(emulator.baseURL + "/v1/payment_intents", "amount=500&currency=eur", basic: key)
            #expect(try intent.json()["object"] as? String == "payment_intent")
            let anonymous = try await Self.form(url, "amount=2000", basic: nil)
            #expect(anonymous.status == 401)
            #expect((try anonymous.json()["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")

            let stats = try await emulator.stats(for: "stripe")
            #expect(stats.requests == 6)
            #expect(stats.items == 2)    // the charge once (not its replay) and the payment intent
        }
    }

    @Test func twilioQueuesMessagesAndChecksTheAccount() async throws {
        try await Self.withEmulator { emulator in
            let url = emulator.baseURL + "/2010-04-01/Accounts/ACdemo/Messages.json"
            let ok = try await Self.form(url, "To=%2B15551230001&From=%2B15559990000&Body=Your+order+shipped", basic: ("ACdemo", "token"))
            #expect(ok.status == 201)
            let message = try ok.json()
            #expect((message["sid"] as? String)?.hasPrefix("SM") == true)
            #expect(message["status"] as? String == "queued")
            #expect(message["to"] as? String == "+15551230001")
            #expect(message["body"] as? String == "Your order shipped")

            let noTo = try await Self.form(url, "From=%2B15559990000&Body=hi", basic: ("ACdemo", "token"))
            #expect(noTo.status == 400)
            let error = try noTo.json()
            #expect(error["code"] as? Int == 21604)
            #expect(error["message"] as? String == "A 'To' phone number is required.")
            #expect(error["status"] as? Int == 400)

            let otherAccount = try await Self.form(url, "To=%2B1555&From=%2B1555&Body=hi", basic: ("ACother", "token"))
            #expect(otherAccount.status == 401)
            #expect(try otherAccount.json()["code"] as? Int == 20003)
            let anonymous = try await Self.form(url, "To=%2B1555&From=%2B1555&Body=hi", basic: nil)
            #expect(anonymous.status == 401)

            let stats = try await emulator.stats(for: "twilio")
            #expect(stats.requests == 4)
            #expect(stats.items == 1)
        }
    }

    @Test func knobsRateLimitOutageResetAndErrors() async throws {
        try await Self.withEmulator { emulator in
            let maps = emulator.baseURL + "/maps/api/distancematrix/json?origins=A&destinations=B&key=k"
            try await emulator.configure(#"{"service":"maps","rateLimited":true,"retryAfterSeconds":3}"#)
            let limited = try await TestHTTP.request(maps)
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "3")
            #expect(try limited.json()["status"] as? String == "OVER_QUERY_LIMIT")

            try await emulator.configure(#"{"service":"twilio","down":true}"#)
            let down = try await Self.form(emulator.baseURL + "/2010-04-01/Accounts/ACdemo/Messages.json", "To=1&From=2&Body=x", basic: ("ACdemo", "t"))
            #expect(down.status == 503)
            #expect(try down.json()["code"] as? Int == 20503)

            try await emulator.configure(#"{"service":"samsara","down":true,"mode":"reset"}"#)
            await #expect(throws: (any Error).self) {
                _ = try await TestHTTP.request(emulator.baseURL + "/fleet/vehicles/stats?types=gps", bearer: "t")
            }

            try await emulator.configure(#"{"service":"airtable","errorRate":1.0}"#)
            let failed = try await Self.post(emulator.baseURL + "/v0/appX/T", json: #"{"records":[{"fields":{}}]}"#, bearer: "t")
            #expect([500, 503].contains(failed.status))
            #expect((try failed.json()["error"] as? [String: Any])?["type"] is String)

            let refused = try await TestHTTP.request(emulator.baseURL + "/_emulator/config", method: "POST",
                                                     body: Data(#"{"service":"nope","down":true}"#.utf8))
            #expect(refused.status == 400)

            let stats = try await emulator.stats()
            let services = stats["services"] as? [String: Any] ?? [:]
            #expect(((services["maps"] as? [String: Any])?["byStatus"] as? [String: Int]) == ["429": 1])
            #expect(((services["samsara"] as? [String: Any])?["byStatus"] as? [String: Int]) == ["reset": 1])

            try await emulator.reset()
            #expect(try await TestHTTP.request(maps).status == 200)
            #expect(try await emulator.stats(for: "maps") == .init(requests: 1, items: 1, byStatus: ["200": 1]))
            #expect(try await emulator.stats(for: "twilio").requests == 0)
        }
    }

    @Test func latencyIsAddedPerServiceWithoutBlockingOthers() async throws {
        try await Self.withEmulator(["--latency-ms", "0", "--loops", "1"]) { emulator in
            try await emulator.configure(#"{"service":"samsara","latencyMs":600}"#)
            let slow = emulator.baseURL + "/fleet/vehicles/stats?types=gps"
            let fast = emulator.baseURL + "/maps/api/distancematrix/json?origins=A&destinations=B&key=k"
            let clock = ContinuousClock()
            let started = clock.now
            // One loop: if the slow call's latency blocked it, the fast call would wait behind it
            // (550 ms or more, against well under 400 ms when the sleep is off the loop).
            async let slowReply = TestHTTP.request(slow, bearer: "t")
            try await Task.sleep(for: .milliseconds(50))
            let fastStarted = clock.now
            let fastReply = try await TestHTTP.request(fast)
            let fastElapsed = clock.now - fastStarted
            #expect(try await slowReply.status == 200)
            #expect(clock.now - started >= .milliseconds(600))
            #expect(fastReply.status == 200)
            #expect(fastElapsed < .milliseconds(400))
            let config = try await TestHTTP.request(emulator.baseURL + "/_emulator/config").json()
            let samsara = (config["services"] as? [String: Any])?["samsara"] as? [String: Any]
            #expect(samsara?["latencyMs"] as? Int == 600)
        }
    }
}
