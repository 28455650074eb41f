/// The only place WebSocket errors become close codes and HTTP statuses.
extension WebSocketError {
    /// The close code to send before closing the connection after this error.
    public var closeCode: WebSocketCloseCode {
        switch code {
        case .frameTooLarge, .messageTooLarge, .tooManyFragments: .messageTooBig
        case .invalidUTF8: .invalidPayload
        default: .protocolError
        }
    }

    /// The HTTP status to answer a refused upgrade request with (400 for anything not listed).
    public var httpStatus: Int {
        switch code {
        case .handshakeMethodNotAllowed: 405
        case .handshakeUnsupportedVersion: 426
        case .handshakeOriginNotAllowed: 403
        default: 400
        }
    }

    /// Extra headers the refusal must carry (RFC 6455 section 4.4 asks a 426 to name the version).
    public var responseHeaders: [(name: String, value: String)] {
        switch code {
        case .handshakeUnsupportedVersion: [("Sec-WebSocket-Version", "13")]
        case .handshakeMethodNotAllowed: [("Allow", "GET")]
        default: []
        }
    }
}
