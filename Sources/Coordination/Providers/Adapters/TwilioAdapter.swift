import Cryptography
import Logging

/// Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form
/// fields `To`, `From` or `MessagingServiceSid`, `Body` and/or `MediaUrl`; HTTP Basic with the account
/// SID and auth token (`COORD_API_KEY_TWILIO=AC...:token`). No batch API: one request per message.
struct TwilioAdapter: ProviderAdapter {
    let service = "twilio"
    let operations = ["messages.create"]

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> {
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].hasPrefix("AC"), parts[0].utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }),
              !parts[1].isEmpty else {
            return .failure(ProviderPayloadError(field: ProviderAdapters.variable(service),
                                                 message: "must be <AccountSid>:<AuthToken> (the SID starts with AC)"))
        }
        return .success(.basic(user: parts[0], password: parts[1]))
    }

    struct Message {
        var fields: [(String, String)]
    }

    static func read(_ payload: JSONValue) throws(ProviderPayloadError) -> Message {
        let reader = PayloadReader(payload)
        try reader.onlyFields(["to", "from", "messagingServiceSid", "body", "mediaUrl", "statusCallback"])
        let to = try reader.requiredString("to", maxLength: 64)
        let from = try reader.optionalString("from", maxLength: 64)
        let service = try reader.optionalString("messagingServiceSid", maxLength: 64)
        guard (from == nil) != (service == nil) else { throw reader.fail("give exactly one of from and messagingServiceSid", at: "from") }
        let body = try reader.optionalString("body", maxLength: 1_600)
        let media = try reader.optionalString("mediaUrl", maxLength: 2_000)
        guard body != nil || media != nil else { throw reader.fail("is required (or mediaUrl)", at: "body") }
        var fields = [("To", to)]
        if let from { fields.append(("From", from)) }
        if let service { fields.append(("MessagingServiceSid", service)) }
        if let body { fields.append(("Body", body)) }
        if let media { fields.append(("MediaUrl", media)) }
        if let callback = try reader.optionalString("statusCallback", maxLength: 2_000) { fields.append(("StatusCallback", callback)) }
        return Message(fields: fields)
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard operation == "messages.create" else { throw unknownOperation(operation) }
        _ = try Self.read(payload)
        return PreparedItem(operation: operation, payload: payload, units: 1, batchKey: "twilio:\(payload.hashValue)",
                            idempotencyKey: idempotencyKey)
    }

    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest] {
        guard case .basic(let sid, let token) = credential else { return [] }
        return items.enumerated().compactMap { index, item in
            guard let message = try? Self.read(item.payload) else { return nil }
            let headers = [UpstreamHeader(name: "Authorization", value: "Basic " + Base64.encode(Array("\(sid):\(token)".utf8))),
                           UpstreamHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")]
            return PlannedRequest(request: UpstreamRequest(method: "POST", target: "/2010-04-01/Accounts/\(sid)/Messages.json",
                                                           headers: headers, body: FormEncoding.encode(message.fields),
                                                           idempotent: false),
                                  items: [index])
        }
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        let json = response.json ?? .null
        if (200..<300).contains(response.status) { return same(ItemResult(status: response.status, body: json, error: nil), for: planned) }
        var code = "http_\(response.status)"
        var message = "Twilio answered HTTP \(response.status)"
        if case .object(let top) = json {
            if case .integer(let c) = top["code"] ?? .null { code = String(c) }
            if case .string(let m) = top["message"] ?? .null { message = m }
        }
        return same(ItemResult(status: response.status, body: json, error: ItemError(code: code, message: message)), for: planned)
    }
}
