/// What a connection handler acts on: a complete message or a control frame, already validated.
public enum WebSocketEvent: Sendable, Equatable {
    /// A complete text message (validated UTF-8).
    case text(String)
    /// A complete binary message.
    case binary([UInt8])
    /// Answer with a pong carrying the same payload.
    case ping([UInt8])
    case pong([UInt8])
    /// The peer is closing. `code` is nil when the close frame was empty (1005, "no status").
    /// Answer with a close frame and end the connection; no further events follow.
    case close(code: WebSocketCloseCode?, reason: String)
}
