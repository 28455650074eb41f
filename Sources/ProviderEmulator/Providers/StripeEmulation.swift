import Foundation
import HTTP
import Logging

/// Stripe `POST /v1/...`: a secret key (`sk_`/`rk_`) as Bearer or Basic user; form-encoded
/// parameters echoed back on a new object; `amount` below 50 is `amount_too_small`. Implements
/// Stripe's idempotency: the same `Idempotency-Key` (per API key) with the same request replays the
/// first successful answer with `Idempotent-Replayed: true` and adds no item; with other parameters
/// it is an `idempotency_error`. Validation errors are not stored (Stripe does not store them either).
struct StripeEmulation: ProviderEmulation {
    let service = EmulatedService.stripe
    let state: EmulatorState
    static let minimumAmount = 50

    func failure(status: Int, message: String) -> EmulatorReply {
        switch status {
        case 401: Self.error(status: 401, type: "invalid_request_error", code: nil, message: message, param: nil)
        case 429: Self.error(status: 429, type: "invalid_request_error", code: "rate_limit", message: message, param: nil)
        default: Self.error(status: status, type: "api_error", code: nil, message: message, param: nil)
        }
    }

    /// Stripe's error shape: `{"error":{"type","code","message","param"}}` (absent members left out).
    static func error(status: Int, type: String, code: String?, message: String, param: String?) -> EmulatorReply {
        var error: [String: JSONValue] = ["type": .string(type), "message": .string(message)]
        if let code { error["code"] = .string(code) }
        if let param { error["param"] = .string(param) }
        return .json(.object(["error": .object(error)]), status: status,
                     headers: ["Request-Id": RandomID.make("req_", length: 14)])
    }

    static func apiKey(_ request: HTTPRequest) -> String? {
        Credentials.bearer(request) ?? Credentials.basic(request)?.user
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        guard let key = Self.apiKey(request), !key.isEmpty else {
            return failure(status: 401, message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
        }
        guard key.hasPrefix("sk_") || key.hasPrefix("rk_") else {
            return failure(status: 401, message: "Invalid API Key provided: \(key.prefix(8))****")
        }
        return nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        let form = request.formParameters
        if let raw = form["amount"], let amount = Int(raw), amount < Self.minimumAmount {
            return Self.error(status: 400, type: "invalid_request_error", code: "amount_too_small",
                              message: "Amount must be at least $0.50 usd", param: "amount")
        }
        guard let key = request.headers["idempotency-key"], !key.isEmpty else { return create(request, form) }
        var fingerprint = Array("\(request.method) \(request.path)\n".utf8)
        fingerprint.append(contentsOf: request.body)
        let (stored, replayed, conflict) = state.idempotent(key: (Self.apiKey(request) ?? "") + "|" + key,
                                                           fingerprint: fingerprint) { create(request, form) }
        if conflict {
            return Self.error(status: 400, type: "idempotency_error", code: nil,
                              message: "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '\(key)' if you meant to execute a different request.",
                              param: nil)
        }
        var reply = stored
        reply.headers.replaceOrAdd("Idempotency-Key", key)
        if replayed {
            reply.headers.replaceOrAdd("Idempotent-Replayed", "true")
            reply.items = 0
        }
        return reply
    }

    /// A new object: `{"id":"<prefix>_<random>","object":<resource>,"created","livemode":false,...params}`.
    func create(_ request: HTTPRequest, _ form: QueryParameters) -> EmulatorReply {
        let segments = request.path.split(separator: "/").dropFirst().map { PercentDecoding.decode($0) }
        var (object, prefix) = Self.resource(segments)
        var fields = Self.parameters(form)
        if segments.count > 1, Self.looksLikeID(segments[1]) { prefix = "" }
        let id = prefix.isEmpty ? segments[1] : RandomID.make(prefix + "_", length: 24)
        if segments.first == "checkout", segments.count > 1 { object = "checkout.session" }
        fields["id"] = .string(id)
        fields["object"] = .string(object)
        fields["created"] = .integer(Int64(Date().timeIntervalSince1970))
        fields["livemode"] = .bool(false)
        return .json(.object(fields), headers: ["Request-Id": RandomID.make("req_", length: 14)], items: 1)
    }

    /// The object name and id prefix from the first path segment (`payment_intents` -> payment_intent, pi).
    static func resource(_ segments: [String]) -> (object: String, prefix: String) {
        let first = segments.first ?? "object"
        let known: [String: String] = [
            "charges": "ch", "payment_intents": "pi", "customers": "cus", "refunds": "re", "invoices": "in",
            "subscriptions": "sub", "products": "prod", "prices": "price", "payment_methods": "pm",
            "setup_intents": "seti", "transfers": "tr", "payouts": "po", "checkout": "cs_test",
        ]
        var object = first
        if object.hasSuffix("ies") { object = String(object.dropLast(3)) + "y" } else if object.hasSuffix("s") { object = String(object.dropLast()) }
        return (object, known[first] ?? String(first.prefix(3)))
    }

    /// Stripe ids mix a lowercase prefix with letters and digits (`cus_9s6XKzkNRiz8i3`); resource names do not.
    static func looksLikeID(_ segment: String) -> Bool {
        segment.contains("_") && segment.contains { $0.isNumber || $0.isUppercase }
    }

    /// Form parameters as JSON: `a[b]=c` nests one level, `a[]=x` builds an array, top-level integers
    /// and booleans are typed (Stripe answers `"amount": 2000`, not `"2000"`).
    static func parameters(_ form: QueryParameters) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (name, raw) in form.pairs {
            guard let open = name.firstIndex(of: "["), name.hasSuffix("]") else { out[name] = typed(raw); continue }
            // Nested values stay strings: `metadata` values are strings at Stripe whatever they look like.
            let value = JSONValue.string(raw)
            let base = String(name[..<open])
            let inner = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            if inner.isEmpty {
                if case .array(var list)? = out[base] { list.append(value); out[base] = .array(list) } else { out[base] = .array([value]) }
            } else {
                var nested: [String: JSONValue] = [:]
                if case .object(let existing)? = out[base] { nested = existing }
                nested[inner] = value
                out[base] = .object(nested)
            }
        }
        return out
    }

    static func typed(_ raw: String) -> JSONValue {
        if let number = Int64(raw) { return .integer(number) }
        if raw == "true" || raw == "false" { return .bool(raw == "true") }
        return .string(raw)
    }
}
