/// A complete response as the parser read it: head, body and whether the connection may carry another.
public struct HTTPParsedResponse: Sendable, Equatable {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var status: Int
    public var reason: String
    public var headers: [HTTPClientHeader]
    public var body: [UInt8]
    /// Fields of a chunked body's trailer section.
    public var trailers: [HTTPClientHeader]
    /// False when the response was close-delimited or asked for `Connection: close` (or HTTP/1.0
    /// without keep-alive): the connection must not be reused.
    public var keepAlive: Bool

    /// The first value of `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HTTPClientHeader.namesEqual($0.name, name) }?.value
    }
}
