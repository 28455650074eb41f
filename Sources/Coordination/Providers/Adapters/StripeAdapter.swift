import Foundation
import Logging

/// Stripe: any `POST /v1/<resource>` (the operation is the path after `/v1/`: `customers`,
/// `payment_intents`, `refunds`, `customers/cus_123`), the payload its form parameters (nested
/// objects as `metadata[key]`), the secret key as a bearer token. No batch API: one request per item,
/// always with an `Idempotency-Key` (the caller's key, or one minted here), so a retry after a lost
/// connection is safe and Stripe itself never charges twice.
struct StripeAdapter: ProviderAdapter {
    let service = "stripe"
    let operations = ["<resource path after /v1/>"]

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> { bearerCredential(from: raw) }

    /// `a-z`, `0-9`, `_` and single `/` between segments (object ids are `cus_ABC123`, so upper case too).
    static func isResourcePath(_ operation: String) -> Bool {
        guard (1...200).contains(operation.utf8.count), !operation.hasPrefix("/"), !operation.hasSuffix("/"),
              !operation.contains("//") else { return false }
        return operation.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/")
        }
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard Self.isResourcePath(operation) else {
            throw ProviderPayloadError(field: "operation",
                                       message: "must be a Stripe resource path after /v1/ (a-z, 0-9, '_', '/'), e.g. payment_intents")
        }
        guard case .object(let fields) = payload else { throw ProviderPayloadError(field: "payload", message: "must be an object") }
        if let amount = fields["amount"] {
            guard case .integer(let value) = amount, value >= 0 else {
                throw ProviderPayloadError(field: "payload.amount", message: "must be a non-negative integer in the currency's smallest unit")
            }
        }
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        return PreparedItem(operation: operation, payload: payload, units: 1, batchKey: "stripe:" + key, idempotencyKey: key)
    }

    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest] {
        items.enumerated().map { index, item in
            var pairs: [(String, String)] = []
            FormEncoding.flatten(item.payload, prefix: "", into: &pairs)
            var headers = [UpstreamHeader(name: "Content-Type", value: "application/x-www-form-urlencoded"),
                           UpstreamHeader(name: "Idempotency-Key", value: item.idempotencyKey ?? UUID().uuidString.lowercased())]
            if case .bearer(let key) = credential { headers.insert(UpstreamHeader(name: "Authorization", value: "Bearer " + key), at: 0) }
            return PlannedRequest(request: UpstreamRequest(method: "POST", target: "/v1/" + item.operation, headers: headers,
                                                           body: FormEncoding.encode(pairs), idempotent: true),
                                  items: [index])
        }
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        let json = response.json ?? .null
        if (200..<300).contains(response.status) { return same(ItemResult(status: response.status, body: json, error: nil), for: planned) }
        var code = "http_\(response.status)"
        var message = "Stripe answered HTTP \(response.status)"
        if case .object(let top) = json, case .object(let error) = top["error"] ?? .null {
            if case .string(let c) = error["code"] ?? .null { code = c } else if case .string(let t) = error["type"] ?? .null { code = t }
            if case .string(let m) = error["message"] ?? .null { message = m }
        }
        return same(ItemResult(status: response.status, body: json, error: ItemError(code: code, message: message)), for: planned)
    }
}
