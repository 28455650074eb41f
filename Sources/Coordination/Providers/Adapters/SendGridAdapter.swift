import Logging

/// SendGrid v3 Mail Send: `POST /v3/mail/send` (bearer API key). One item is one personalization
/// (`to`, `cc`, `bcc`, its own `subject` or `dynamicTemplateData`); items with the same `from`,
/// `subject`, `templateId` and `content` share a request, within SendGrid's limits of 1,000
/// personalizations and 1,000 recipients (to + cc + bcc) per request. SendGrid accepts or refuses a
/// request as a whole: 202 for all, or a 400 whose `errors[].field` may name the personalization at
/// fault (that item gets that error, the others "refused with it").
struct SendGridAdapter: ProviderAdapter {
    let service = "sendgrid"
    let operations = ["mail.send"]
    static let maxPersonalizations = 1_000
    static let maxRecipients = 1_000

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> { bearerCredential(from: raw) }

    static func recipients(_ reader: PayloadReader, _ name: String, required: Bool) throws(ProviderPayloadError) -> [JSONValue] {
        guard let list = reader.field(name) else {
            if required { throw reader.fail("is required", at: name) }
            return []
        }
        var out: [JSONValue] = []
        for entry in try list.array(min: required ? 1 : 0, max: maxRecipients) {
            try entry.onlyFields(["email", "name"])
            var address: [String: JSONValue] = ["email": .string(try entry.required("email").email())]
            if let name = try entry.optionalString("name", maxLength: 256) { address["name"] = .string(name) }
            out.append(.object(address))
        }
        return out
    }

    /// The personalization as SendGrid's JSON, and its recipient count.
    static func personalization(_ payload: JSONValue) throws(ProviderPayloadError) -> (JSONValue, Int) {
        let reader = try PayloadReader(payload).requiredObject("personalization")
        try reader.onlyFields(["to", "cc", "bcc", "subject", "dynamicTemplateData"])
        var out: [String: JSONValue] = [:]
        var count = 0
        for (name, required) in [("to", true), ("cc", false), ("bcc", false)] {
            let list = try recipients(reader, name, required: required)
            if !list.isEmpty { out[name] = .array(list) }
            count += list.count
        }
        guard count <= maxRecipients else { throw reader.fail("has more than \(maxRecipients) recipients (SendGrid's limit)", at: "to") }
        if let subject = try reader.optionalString("subject", maxLength: 998) { out["subject"] = .string(subject) }
        if let data = reader.field("dynamicTemplateData") {
            guard data.object != nil else { throw reader.fail("must be an object", at: "dynamicTemplateData") }
            out["dynamic_template_data"] = data.value
        }
        return (.object(out), count)
    }

    /// The fields every personalization of one request shares.
    static func envelope(_ payload: JSONValue) throws(ProviderPayloadError) -> [String: JSONValue] {
        let reader = PayloadReader(payload)
        try reader.onlyFields(["from", "subject", "templateId", "content", "personalization", "replyTo"])
        let from = try reader.requiredObject("from")
        try from.onlyFields(["email", "name"])
        var sender: [String: JSONValue] = ["email": .string(try from.required("email").email())]
        if let name = try from.optionalString("name", maxLength: 256) { sender["name"] = .string(name) }
        var out: [String: JSONValue] = ["from": .object(sender)]
        if let subject = try reader.optionalString("subject", maxLength: 998) { out["subject"] = .string(subject) }
        if let template = try reader.optionalString("templateId", maxLength: 64) { out["template_id"] = .string(template) }
        if let content = reader.field("content") {
            var parts: [JSONValue] = []
            for part in try content.array(max: 10) {
                try part.onlyFields(["type", "value"])
                parts.append(.object(["type": .string(try part.requiredString("type", maxLength: 64)),
                                      "value": .string(try part.requiredString("value", maxLength: 1_000_000))]))
            }
            out["content"] = .array(parts)
        }
        if let reply = reader.field("replyTo") {
            try reply.onlyFields(["email", "name"])
            out["reply_to"] = .object(["email": .string(try reply.required("email").email())])
        }
        guard out["template_id"] != nil || out["content"] != nil else {
            throw reader.fail("is required unless templateId is given", at: "content")
        }
        return out
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard operation == "mail.send" else { throw unknownOperation(operation) }
        let envelope = try Self.envelope(payload)
        let (personalization, count) = try Self.personalization(payload)
        let subjectGiven = envelope["subject"] != nil || {
            if case .object(let p) = personalization { return p["subject"] != nil }
            return false
        }()
        guard subjectGiven || envelope["template_id"] != nil else {
            throw ProviderPayloadError(field: "payload.subject", message: "is required unless templateId is given")
        }
        return PreparedItem(operation: operation, payload: payload, units: count,
                            batchKey: String(decoding: JSONValue.object(envelope).jsonBytes, as: UTF8.self), idempotencyKey: idempotencyKey)
    }

    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest] {
        var plans: [PlannedRequest] = []
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (index, item) in items.enumerated() {
            if groups[item.batchKey] == nil { order.append(item.batchKey) }
            groups[item.batchKey, default: []].append(index)
        }
        for key in order {
            var current: [Int] = []
            var personalizations: [JSONValue] = []
            var recipients = 0
            var envelope: [String: JSONValue] = [:]
            for index in groups[key]! {
                guard let shared = try? Self.envelope(items[index].payload),
                      let (personalization, count) = try? Self.personalization(items[index].payload) else { continue }
                if !current.isEmpty && (current.count == Self.maxPersonalizations || recipients + count > Self.maxRecipients) {
                    plans.append(request(envelope, personalizations, current, credential))
                    current = []
                    personalizations = []
                    recipients = 0
                }
                envelope = shared
                current.append(index)
                personalizations.append(personalization)
                recipients += count
            }
            if !current.isEmpty { plans.append(request(envelope, personalizations, current, credential)) }
        }
        return plans
    }

    private func request(_ envelope: [String: JSONValue], _ personalizations: [JSONValue], _ items: [Int],
                         _ credential: ProviderCredential) -> PlannedRequest {
        var body = envelope
        body["personalizations"] = .array(personalizations)
        var headers = [UpstreamHeader(name: "Content-Type", value: "application/json")]
        if case .bearer(let key) = credential { headers.insert(UpstreamHeader(name: "Authorization", value: "Bearer " + key), at: 0) }
        return PlannedRequest(request: UpstreamRequest(method: "POST", target: "/v3/mail/send", headers: headers,
                                                       body: JSONValue.object(body).jsonBytes, idempotent: false),
                              items: items)
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        if (200..<300).contains(response.status) {
            var body: [String: JSONValue] = ["accepted": .bool(true)]
            if let id = response.header("X-Message-Id") { body["messageId"] = .string(id) }
            return same(ItemResult(status: response.status, body: .object(body), error: nil), for: planned)
        }
        let json = response.json ?? .null
        // errors[].field like "personalizations.3.to.0.email" names one personalization of this request.
        var named: [Int: ItemError] = [:]
        var general: ItemError?
        if case .object(let top) = json, case .array(let errors) = top["errors"] ?? .null {
            for entry in errors {
                guard case .object(let error) = entry else { continue }
                let message = if case .string(let m) = error["message"] ?? .null { m } else { "refused" }
                if case .string(let field) = error["field"] ?? .null, field.hasPrefix("personalizations.") {
                    let rest = field.dropFirst("personalizations.".count)
                    if let position = Int(rest.prefix { $0.isNumber }) {
                        named[position] = named[position] ?? ItemError(code: "invalid_" + (rest.split(separator: ".").dropFirst().last.map(String.init) ?? "field"),
                                                                       message: "\(field): \(message)")
                        continue
                    }
                }
                general = general ?? ItemError(code: "http_\(response.status)", message: message)
            }
        }
        return planned.items.indices.map { position in
            if let error = named[position] { return ItemResult(status: response.status, body: json, error: error) }
            let error = general ?? (named.isEmpty
                ? ItemError(code: "http_\(response.status)", message: "SendGrid answered HTTP \(response.status)")
                : ItemError(code: "request_refused", message: "SendGrid refused the request for another personalization in it"))
            return ItemResult(status: response.status, body: json, error: error)
        }
    }
}
