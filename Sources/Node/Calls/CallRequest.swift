import Coordination
import HTTP
import Logging

/// `POST /call`'s body, checked field by field before anything is reserved or sent:
/// `{service, operation, payload, priority?, costMicros?, idempotencyKey?}`.
struct CallRequest: Sendable {
    var service: String
    var operation: String
    var payload: JSONValue
    var priority: CallPriority
    /// The caller's own price for the call: reserved instead of the catalog's estimate.
    var costMicros: Int64?
    var idempotencyKey: String?

    init(_ request: HTTPRequest) throws(HTTPError) {
        let body = try JSONFields(request)
        service = try body.requiredString("service")
        operation = try body.requiredString("operation")
        guard (1...128).contains(operation.utf8.count), !BudgetFeature.hasControlCharacters(operation) else {
            throw HTTPError.badRequest("operation must be 1 to 128 bytes without control characters.", code: "invalid_field",
                                       field: "operation")
        }
        guard let payload = body.object["payload"], payload != .null else {
            throw HTTPError.badRequest("Missing required field 'payload'.", code: "missing_field", field: "payload")
        }
        guard case .object = payload else {
            throw HTTPError.badRequest("payload must be a JSON object.", code: "invalid_field", field: "payload")
        }
        self.payload = payload
        priority = .medium
        if let name = try body.string("priority") {
            guard let parsed = CallPriority(name: name) else {
                throw HTTPError.badRequest("priority must be low, medium, high or critical.", code: "invalid_field", field: "priority")
            }
            priority = parsed
        }
        costMicros = try BudgetFeature.costMicros(body, required: false)
        idempotencyKey = try body.string("idempotencyKey")
        if let key = idempotencyKey, !BudgetFeature.isIdempotencyKey(key) {
            throw HTTPError.badRequest("idempotencyKey must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.",
                                       code: "invalid_field", field: "idempotencyKey")
        }
    }
}
