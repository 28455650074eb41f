/// How the client connects, waits and retries.
public struct HTTPClientConfiguration: Sendable {
    /// Connections open (busy or idle) to one origin at most; further requests wait in line. Providers
    /// throttle per connection count, and a burst must not open thousands of sockets.
    public var maxConnectionsPerOrigin: Int = 64
    /// TCP connect plus TLS handshake of one connection.
    public var connectTimeout: Duration = .seconds(2)
    /// One try, from asking the pool for a connection to the last byte of the response.
    public var requestTimeout: Duration = .seconds(10)
    /// An unused pooled connection is closed after this long (shorter than typical server keep-alive
    /// timeouts, so we rarely write into a connection the server is closing).
    public var idleTimeout: Duration = .seconds(30)
    public var retry: RetryPolicy = RetryPolicy()
    /// Makes the TLS layer of `https` connections; nil means `https` fails with `.tlsUnavailable`.
    public var tls: (any ClientTLSProvider)? = nil
    public var limits: HTTPResponseParserLimits = HTTPResponseParserLimits()

    public init() {}
}
