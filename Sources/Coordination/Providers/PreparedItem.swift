import Logging

/// One item an adapter checked: its operation and payload, what it weighs for billing, and the key
/// that says which other items may share a provider request with it.
public struct PreparedItem: Sendable {
    public let operation: String
    public let payload: JSONValue
    /// Billing units: Maps elements, SendGrid recipients, Airtable records, Samsara vehicles; 1 for a
    /// Stripe or Twilio call. Always at least 1.
    public let units: Int
    /// Items with equal keys may go in one request (same destinations and mode, same base and table).
    public let batchKey: String
    /// The caller's idempotency key (Stripe gets it as `Idempotency-Key`).
    public let idempotencyKey: String?

    public init(operation: String, payload: JSONValue, units: Int, batchKey: String, idempotencyKey: String?) {
        self.operation = operation
        self.payload = payload
        self.units = max(1, units)
        self.batchKey = batchKey
        self.idempotencyKey = idempotencyKey
    }
}
