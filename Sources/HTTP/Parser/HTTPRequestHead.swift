/// A parsed request line and header block, with the framing and connection decisions already made,
/// so that the server never re-derives them from raw headers.
public struct HTTPRequestHead: Sendable, Equatable {
    /// How the body is delimited, decided once from Content-Length / Transfer-Encoding.
    public enum Framing: Sendable, Equatable {
        case none
        case length(Int)
        case chunked
    }

    public var method: String
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: Framing
    /// Whether the client allows another request on this connection after this one.
    public var keepAlive: Bool
    /// The client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders,
                framing: Framing = .none, keepAlive: Bool = true, expectsContinue: Bool = false) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }
}
