/// A request an adapter built for its provider, as the provider's API wants it. The node's HTTP
/// client sends it to the service's origin (`COORD_UPSTREAM_<SERVICE>`).
public struct UpstreamRequest: Sendable, Equatable {
    public var method: String
    /// Path and query, percent-encoded (`/maps/api/distancematrix/json?origins=...`).
    public var target: String
    public var headers: [UpstreamHeader]
    public var body: [UInt8]
    /// Safe to send again after a lost connection or a 5xx (GETs, Stripe with its Idempotency-Key).
    public var idempotent: Bool

    public init(method: String, target: String, headers: [UpstreamHeader], body: [UInt8], idempotent: Bool) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.idempotent = idempotent
    }

    /// A header's value (names compare case-insensitively).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
