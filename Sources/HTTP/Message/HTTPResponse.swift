/// A response a handler returns: status, headers and a body that is either bytes (Content-Length)
/// or a stream (chunked on HTTP/1.1). Framing headers are written by the server, not by handlers.
public struct HTTPResponse: Sendable {
    /// The body of a response.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Written with chunked encoding; the closure runs off the loop and may await between writes.
        case stream(@Sendable (HTTPBodyWriter) async throws -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body
    /// Set by a WebSocket route: after the 101 is written the connection is handed to this handler.
    package var webSocket: WebSocketUpgrade?

    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: Int = 200, headers: HTTPHeaders = [:], stream: @escaping @Sendable (HTTPBodyWriter) async throws -> Void) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// A plain-text response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// The byte body, if the body is not a stream.
    public var bodyBytes: [UInt8]? {
        if case .bytes(let bytes) = body { return bytes }
        return nil
    }
}
