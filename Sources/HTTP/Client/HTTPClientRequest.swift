/// One outbound request. The client adds Host, Content-Length and keep-alive framing itself; a
/// `Connection: close` header here makes the connection close after this exchange.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// Path and query, e.g. "/v1/charges?limit=3".
    public var target: String
    public var headers: [HTTPClientHeader]
    public var body: [UInt8]
    /// True when sending it twice is harmless (GET, PUT, or a POST with an idempotency key): only
    /// then is it retried after it may have reached the server.
    public var idempotent: Bool

    public init(method: String = "GET", target: String = "/", headers: [(String, String)] = [], body: [UInt8] = [],
                idempotent: Bool? = nil) {
        self.method = method
        self.target = target
        self.headers = headers.map { HTTPClientHeader(name: $0.0, value: $0.1) }
        self.body = body
        self.idempotent = idempotent ?? ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"].contains(method.uppercased())
    }

    /// The first value of `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HTTPClientHeader.namesEqual($0.name, name) }?.value
    }

    /// True when the caller asked for the connection to close after this request.
    var asksClose: Bool {
        headers.contains { HTTPClientHeader.namesEqual($0.name, "connection") && $0.value.lowercased().contains("close") }
    }
}
