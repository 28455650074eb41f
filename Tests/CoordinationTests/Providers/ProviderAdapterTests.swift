import Foundation
import Logging
import Testing
@testable import Coordination

/// Each adapter's request shape, its limits and its split of a response per item (success, the
/// item's own error, and partial failures), pure: no I/O. The same adapters run end to end against
/// the provider emulator in NodeTests/Calls.
@Suite struct ProviderAdapterTests {
    static func adapter(_ service: String) throws -> any ProviderAdapter {
        try #require(ProviderAdapters.standard[service])
    }

    static func json(_ text: String) throws -> JSONValue {
        try #require(JSONValue.parse(Array(text.utf8)), "not JSON: \(text)")
    }

    static func prepare(_ service: String, _ operation: String, _ payload: String, key: String? = nil) throws -> PreparedItem {
        try adapter(service).prepare(operation: operation, payload: json(payload), idempotencyKey: key)
    }

    static func credential(_ service: String, _ raw: String) throws -> ProviderCredential {
        try adapter(service).credential(from: raw).get()
    }

    static func response(_ status: Int, _ body: String, headers: [UpstreamHeader] = []) -> UpstreamResponse {
        UpstreamResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    static func form(_ body: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            out[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return out
    }

    // MARK: payload checks (400 naming the field, before anything is reserved or sent)

    @Test(arguments: [
        ("maps", "distancematrix", #"{"destinations":["b"]}"#, "payload.origins"),
        ("maps", "distancematrix", #"{"origins":["a|b"],"destinations":["c"]}"#, "payload.origins[0]"),
        ("maps", "distancematrix", #"{"origins":["a"],"destinations":["b"],"mode":"flying"}"#, "payload.mode"),
        ("maps", "distancematrix", #"{"origins":["a"],"destinations":["b"],"extra":1}"#, "payload.extra"),
        ("maps", "geocode", #"{"origins":["a"],"destinations":["b"]}"#, "operation"),
        ("airtable", "records.create", #"{"baseId":"nope","table":"T","fields":{}}"#, "payload.baseId"),
        ("airtable", "records.update", #"{"baseId":"appX","table":"T","fields":{}}"#, "payload.id"),
        ("airtable", "records.create", #"{"baseId":"appX","table":"T","fields":{},"id":"rec1"}"#, "payload.id"),
        ("airtable", "records.create", #"{"baseId":"appX","table":"T"}"#, "payload.fields"),
        ("samsara", "vehicles.stats", #"{"vehicleId":"a,b","types":["gps"]}"#, "payload.vehicleId"),
        ("samsara", "vehicles.stats", #"{"vehicleId":"v","types":["gps","a","b","c"]}"#, "payload.types"),
        ("sendgrid", "mail.send", #"{"from":{"email":"not-an-address"},"subject":"s","content":[{"type":"text/plain","value":"v"}],"personalization":{"to":[{"email":"a@example.com"}]}}"#, "payload.from.email"),
        ("sendgrid", "mail.send", #"{"from":{"email":"a@example.com"},"subject":"s","personalization":{"to":[{"email":"b@example.com"}]}}"#, "payload.content"),
        ("sendgrid", "mail.send", #"{"from":{"email":"a@example.com"},"subject":"s","content":[{"type":"text/plain","value":"v"}],"personalization":{"to":[]}}"#, "payload.personalization.to"),
        ("twilio", "messages.create", #"{"from":"+15555550199","body":"x"}"#, "payload.to"),
        ("twilio", "calls.create", #"{"to":"+15555550100","from":"+15555550199","body":"x"}"#, "operation"),
        ("stripe", "../v2/x", #"{"amount":100}"#, "operation"),
    ])
    func badPayloadNamesItsField(service: String, operation: String, payload: String, field: String) throws {
        let adapter = try Self.adapter(service)
        let value = try Self.json(payload)
        do throws(ProviderPayloadError) {
            _ = try adapter.prepare(operation: operation, payload: value, idempotencyKey: nil)
            Issue.record("accepted \(payload)")
        } catch {
            #expect(error.field.hasPrefix(field), "\(service) \(payload): \(error.field) \(error.message)")
        }
    }

    @Test func overTheProvidersLimitsIsRefusedBeforeSending() throws {
        let origins = (0..<11).map { "\"o\($0)\"" }.joined(separator: ",")
        let destinations = (0..<10).map { "\"d\($0)\"" }.joined(separator: ",")
        // 11 x 10 = 110 elements: over Google's 100.
        #expect(throws: ProviderPayloadError.self) {
            try Self.prepare("maps", "distancematrix", #"{"origins":[\#(origins)],"destinations":[\#(destinations)]}"#)
        }
        let many = (0..<26).map { "\"o\($0)\"" }.joined(separator: ",")
        #expect(throws: ProviderPayloadError.self) { try Self.prepare("maps", "distancematrix", #"{"origins":[\#(many)],"destinations":["d"]}"#) }
        let recipients = (0..<1001).map { #"{"email":"r\#($0)@example.com"}"# }.joined(separator: ",")
        #expect(throws: ProviderPayloadError.self) {
            try Self.prepare("sendgrid", "mail.send", #"{"from":{"email":"a@example.com"},"subject":"s","content":[{"type":"text/plain","value":"v"}],"personalization":{"to":[\#(recipients)]}}"#)
        }
    }

    @Test func credentialsAreCheckedWithoutRepeatingThem() throws {
        #expect(try Self.credential("twilio", "ACabc:secret") == .basic(user: "ACabc", password: "secret"))
        #expect(try Self.credential("maps", "AIzaKey") == .queryKey("AIzaKey"))
        #expect(try Self.credential("stripe", "sk_test_1") == .bearer("sk_test_1"))
        for (service, raw) in [("twilio", "no-colon"), ("twilio", "XYabc:secret"), ("stripe", "has space"), ("sendgrid", "")] {
            guard case .failure(let problem) = try Self.adapter(service).credential(from: raw) else {
                Issue.record("\(service) accepted \(raw)")
                continue
            }
            #expect(problem.field == ProviderAdapters.variable(service))
            if !raw.isEmpty { #expect(!problem.message.contains(raw), "the credential is never repeated") }
        }
    }

    // MARK: request shapes

    @Test func mapsMergesOriginsOfItemsSharingDestinationsAndModeWithinTheLimits() throws {
        let adapter = try Self.adapter("maps")
        let items = try [
            Self.prepare("maps", "distancematrix", #"{"origins":["Berlin","Bonn"],"destinations":["Hamburg","Munich"]}"#),
            Self.prepare("maps", "distancematrix", #"{"origins":["Bonn","Köln"],"destinations":["Hamburg","Munich"]}"#),
            Self.prepare("maps", "distancematrix", #"{"origins":["Berlin"],"destinations":["Hamburg","Munich"],"mode":"walking"}"#),
        ]
        #expect(items.map(\.units) == [4, 4, 2], "billing units are elements")
        let plans = adapter.plan(items, credential: .queryKey("k&y"))
        #expect(plans.map(\.items) == [[0, 1], [2]])
        let target = plans[0].request.target
        #expect(plans[0].request.method == "GET")
        #expect(target.hasPrefix("/maps/api/distancematrix/json?origins=Berlin%7CBonn%7CK%C3%B6ln&destinations=Hamburg%7CMunich"), "\(target)")
        #expect(target.hasSuffix("&key=k%26y"))
        #expect(plans[1].request.target.contains("&mode=walking"))
        #expect(plans.allSatisfy { $0.request.idempotent })
        // Ten items of 3 x 3 = 9 elements each, distinct origins: at most 100 elements per request.
        let large = try (0..<10).map { n in
            try Self.prepare("maps", "distancematrix", #"{"origins":["a\#(n)","b\#(n)","c\#(n)"],"destinations":["x","y","z"]}"#)
        }
        let split = adapter.plan(large, credential: .queryKey("k"))
        #expect(split.flatMap(\.items).sorted() == Array(0..<10), "every item exactly once")
        for plan in split { #expect(plan.items.count * 9 <= 100) }
        #expect(split.count == 2)
    }

    @Test func mapsGivesEachItemItsOwnRowsAndElementStatus() throws {
        let adapter = try Self.adapter("maps")
        let items = try [
            Self.prepare("maps", "distancematrix", #"{"origins":["A"],"destinations":["X"]}"#),
            Self.prepare("maps", "distancematrix", #"{"origins":["B","A"],"destinations":["X"]}"#),
        ]
        let plan = try #require(adapter.plan(items, credential: .queryKey("k")).first)
        let answer = Self.response(200, #"""
        {"status":"OK","origin_addresses":["A, DE","B, DE"],"destination_addresses":["X, DE"],
         "rows":[{"elements":[{"status":"OK","distance":{"value":1000,"text":"1 km"}}]},
                 {"elements":[{"status":"NOT_FOUND"}]}]}
        """#)
        let results = adapter.results(of: plan, items: items, response: answer)
        #expect(results.count == 2)
        #expect(results[0].succeeded)
        guard case .object(let first) = results[0].body, case .array(let rows) = first["rows"] ?? .null else {
            Issue.record("no rows: \(results[0].body)")
            return
        }
        #expect(rows.count == 1)
        // The second item asked for B then A: B's row is NOT_FOUND, A's is its own row, in its order.
        #expect(results[1].error?.code == "NOT_FOUND")
        guard case .object(let second) = results[1].body, case .array(let addresses) = second["origin_addresses"] ?? .null else {
            Issue.record("no addresses")
            return
        }
        #expect(addresses == [.string("B, DE"), .string("A, DE")])
        // A request-level status is every item's error.
        let denied = adapter.results(of: plan, items: items, response: Self.response(200, #"{"status":"REQUEST_DENIED","error_message":"bad key"}"#))
        #expect(denied.map(\.status) == [403, 403])
        #expect(denied.allSatisfy { $0.error?.message == "bad key" })
        let limited = adapter.results(of: plan, items: items, response: Self.response(200, #"{"status":"OVER_QUERY_LIMIT"}"#))
        #expect(limited.map(\.status) == [429, 429])
    }

    @Test func sendgridGroupsPersonalizationsSharingTheEnvelopeAndBlamesTheOneAtFault() throws {
        let adapter = try Self.adapter("sendgrid")
        func item(_ to: String, subject: String = "Hi") throws -> PreparedItem {
            try Self.prepare("sendgrid", "mail.send", #"{"from":{"email":"ops@example.com"},"subject":"\#(subject)","content":[{"type":"text/plain","value":"v"}],"personalization":{"to":[{"email":"\#(to)"}],"cc":[{"email":"cc@example.com"}]}}"#)
        }
        let items = try [item("a@example.com"), item("b@example.com"), item("c@example.com", subject: "Other")]
        #expect(items[0].units == 2, "to + cc")
        let plans = adapter.plan(items, credential: .bearer("SG.k"))
        #expect(plans.map(\.items) == [[0, 1], [2]])
        let request = plans[0].request
        #expect(request.method == "POST")
        #expect(request.target == "/v3/mail/send")
        #expect(request.header("Authorization") == "Bearer SG.k")
        #expect(!request.idempotent, "a repeated send mails twice")
        guard case .object(let body)? = JSONValue.parse(request.body), case .array(let personalizations) = body["personalizations"] ?? .null else {
            Issue.record("body")
            return
        }
        #expect(personalizations.count == 2)
        #expect(body["from"] == .object(["email": .string("ops@example.com")]))
        // 600 recipients each: two items cannot share a request (1,000 recipients at most).
        let wide = (0..<600).map { #"{"email":"w\#($0)@example.com"}"# }.joined(separator: ",")
        let big = try (0..<3).map { _ in
            try Self.prepare("sendgrid", "mail.send", #"{"from":{"email":"ops@example.com"},"subject":"s","content":[{"type":"text/plain","value":"v"}],"personalization":{"to":[\#(wide)]}}"#)
        }
        #expect(adapter.plan(big, credential: .bearer("k")).map(\.items) == [[0], [1], [2]])
        // Accepted: every item; refused naming personalization 1: that item has the error, the other is refused with it.
        let accepted = adapter.results(of: plans[0], items: items, response: Self.response(202, "", headers: [UpstreamHeader(name: "X-Message-Id", value: "m1")]))
        #expect(accepted.allSatisfy { $0.succeeded })
        let refused = adapter.results(of: plans[0], items: items, response: Self.response(400, #"{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.1.to.0.email"}]}"#))
        #expect(refused[1].error?.code == "invalid_email")
        #expect(refused[0].error?.code == "request_refused")
        #expect(refused.allSatisfy { !$0.succeeded })
    }

    @Test func airtableSendsTenRecordsPerRequestOfOneBaseAndTable() throws {
        let adapter = try Self.adapter("airtable")
        let items = try (0..<23).map { n in
            try Self.prepare("airtable", "records.create", #"{"baseId":"appB","table":"Orders \#(n % 2 == 0 ? "A" : "B")","fields":{"n":\#(n)}}"#)
        }
        let plans = adapter.plan(items, credential: .bearer("pat"))
        #expect(plans.flatMap(\.items).sorted() == Array(0..<23))
        #expect(plans.allSatisfy { $0.items.count <= 10 })
        #expect(plans.map(\.items.count) == [10, 2, 10, 1])
        #expect(plans[0].request.target == "/v0/appB/Orders%20A")
        #expect(plans[0].request.method == "POST")
        let update = try Self.prepare("airtable", "records.update", #"{"baseId":"appB","table":"T","id":"recX1","fields":{"a":1}}"#)
        let patch = try #require(adapter.plan([update], credential: .bearer("pat")).first)
        #expect(patch.request.method == "PATCH")
        #expect(patch.request.idempotent, "an update with the same fields is safe to repeat")
        #expect(String(decoding: patch.request.body, as: UTF8.self).contains(#""id":"recX1""#))
        // Records come back in request order; a short answer leaves the rest without a record.
        let two = Array(plans[1].items)
        let short = adapter.results(of: PlannedRequest(request: plans[1].request, items: two), items: items,
                                    response: Self.response(200, #"{"records":[{"id":"rec1","fields":{}}]}"#))
        #expect(short[0].succeeded)
        #expect(short[1].error?.code == "missing_record")
        let over = adapter.results(of: plans[0], items: items, response: Self.response(422, #"{"error":{"type":"INVALID_RECORDS","message":"too many"}}"#))
        #expect(over.count == 10)
        #expect(over.allSatisfy { $0.error?.code == "INVALID_RECORDS" && $0.status == 422 })
    }

    @Test func samsaraAsksOnceForVehiclesSharingTypesAndMatchesById() throws {
        let adapter = try Self.adapter("samsara")
        let items = try [
            Self.prepare("samsara", "vehicles.stats", #"{"vehicleId":"v1","types":["gps","engineStates"]}"#),
            Self.prepare("samsara", "vehicles.stats", #"{"vehicleId":"v2","types":["engineStates","gps"]}"#),
            Self.prepare("samsara", "vehicles.stats", #"{"vehicleId":"v1","types":["gps","engineStates"]}"#),
            Self.prepare("samsara", "vehicles.stats", #"{"vehicleId":"v3","types":["gps"]}"#),
        ]
        let plans = adapter.plan(items, credential: .bearer("t"))
        #expect(plans.map(\.items) == [[0, 1, 2], [3]])
        #expect(plans[0].request.target == "/fleet/vehicles/stats?vehicleIds=v1,v2&types=engineStates,gps", "the same vehicle once")
        let results = adapter.results(of: plans[0], items: items, response: Self.response(200, #"{"data":[{"id":"v1","gps":{}}]}"#))
        #expect(results.map(\.succeeded) == [true, false, true])
        #expect(results[1].error?.code == "not_found")
        let many = try (0..<150).map { n in try Self.prepare("samsara", "vehicles.stats", #"{"vehicleId":"v\#(n)","types":["gps"]}"#) }
        #expect(adapter.plan(many, credential: .bearer("t")).map(\.items.count) == [100, 50])
    }

    @Test func stripeSendsOneFormRequestPerItemAlwaysWithAnIdempotencyKey() throws {
        let adapter = try Self.adapter("stripe")
        let keyed = try Self.prepare("stripe", "payment_intents", #"{"amount":2000,"currency":"usd","metadata":{"order":"7"}}"#, key: "order-7")
        let unkeyed = try Self.prepare("stripe", "customers", #"{"email":"a@example.com"}"#)
        let plans = adapter.plan([keyed, unkeyed], credential: .bearer("sk_test"))
        #expect(plans.map(\.items) == [[0], [1]])
        #expect(plans[0].request.target == "/v1/payment_intents")
        #expect(plans[0].request.header("Idempotency-Key") == "order-7")
        #expect(!(plans[1].request.header("Idempotency-Key") ?? "").isEmpty, "minted when the caller gave none")
        #expect(plans.allSatisfy { $0.request.idempotent })
        #expect(plans[0].request.header("Content-Type") == "application/x-www-form-urlencoded")
        let form = Self.form(plans[0].request.body)
        #expect(form["amount"] == "2000")
        #expect(form["metadata[order]"] == "7", "nested objects in Stripe's bracket form")
        let refused = adapter.results(of: plans[0], items: [keyed, unkeyed],
                                      response: Self.response(400, #"{"error":{"type":"invalid_request_error","code":"amount_too_small","message":"Amount must be at least $0.50 usd"}}"#))
        #expect(refused[0].error?.code == "amount_too_small")
        #expect(refused[0].status == 400)
    }

    @Test func twilioSendsTheMessageFormWithBasicAuthOfTheAccount() throws {
        let adapter = try Self.adapter("twilio")
        let item = try Self.prepare("twilio", "messages.create", #"{"to":"+15555550100","from":"+15555550199","body":"hello & bye"}"#)
        let credential = try Self.credential("twilio", "ACabc:tok")
        let plan = try #require(adapter.plan([item], credential: credential).first)
        #expect(plan.request.target == "/2010-04-01/Accounts/ACabc/Messages.json")
        #expect(plan.request.header("Authorization") == "Basic " + Data("ACabc:tok".utf8).base64EncodedString())
        #expect(!plan.request.idempotent, "a resent message is a second SMS")
        let form = Self.form(plan.request.body)
        #expect(form["To"] == "+15555550100")
        #expect(form["Body"] == "hello & bye")
        let refused = adapter.results(of: plan, items: [item], response: Self.response(400, #"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#))
        #expect(refused[0].error?.code == "21211")
        let queued = adapter.results(of: plan, items: [item], response: Self.response(201, #"{"sid":"SM1","status":"queued"}"#))
        #expect(queued[0].succeeded)
    }
}

/// The examples the OpenAPI document gives for `POST /call` are payloads the adapters accept.
@Suite struct ProviderPayloadExampleTests {
    @Test func everyDocumentedExampleIsAccepted() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("docs/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        let call = try #require((paths["/api/v1/external-services/call"] as? [String: Any])?["post"] as? [String: Any])
        let content = try #require(((call["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
        let examples = try #require(content["examples"] as? [String: Any])
        #expect(Set(examples.keys) == Set(ProviderAdapters.standard.keys), "one example per service")
        for (name, example) in examples {
            let value = try #require((example as? [String: Any])?["value"] as? [String: Any])
            let service = try #require(value["service"] as? String)
            let operation = try #require(value["operation"] as? String)
            let payload = try JSONSerialization.data(withJSONObject: try #require(value["payload"]))
            let adapter = try #require(ProviderAdapters.standard[service], "\(name)")
            let parsed = try #require(JSONValue.parse(Array(payload)))
            do throws(ProviderPayloadError) {
                _ = try adapter.prepare(operation: operation, payload: parsed, idempotencyKey: nil)
            } catch {
                Issue.record("example \(name): \(error.field) \(error.message)")
            }
        }
    }
}
