/// What a call to a provider did, carried with its cost through the ledger outbox into
/// `upstream_calls` (one row per call, for `GET /analytics/performance` and analysts).
public struct CallRecord: Sendable, Hashable {
    /// The provider's HTTP status (0: no response: connect failure, timeout).
    public var status: Int
    /// `succeeded`, `item_error` (the provider refused this item), `upstream_error` (5xx, 429),
    /// `transport_error` (no response).
    public var outcome: String
    public var latencyMs: Int
    /// Items the request carried (1 for `POST /call`; more for a batch).
    public var items: Int
    /// Attempts the HTTP client made (retries included).
    public var attempts: Int
    /// The error's words, truncated; never a credential (adapters and the client never put one there).
    public var error: String?

    /// Longest error text stored.
    public static let maxErrorLength = 300

    public init(status: Int, outcome: String, latencyMs: Int, items: Int, attempts: Int, error: String?) {
        self.status = status
        self.outcome = outcome
        self.latencyMs = latencyMs
        self.items = items
        self.attempts = attempts
        self.error = error.map { String($0.prefix(Self.maxErrorLength)) }
    }
}
