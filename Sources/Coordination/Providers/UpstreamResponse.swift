import Logging

/// What a provider answered to one `UpstreamRequest`.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: [UpstreamHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [UpstreamHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as JSON, nil when it is empty or not JSON.
    public var json: JSONValue? { body.isEmpty ? nil : JSONValue.parse(body) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
