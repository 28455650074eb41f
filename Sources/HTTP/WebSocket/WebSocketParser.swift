/// The inbound side of a WebSocket connection in one value: frame decoder plus message assembler.
/// A connection handler appends what it reads and drains `nextEvent()` until nil; on an error it
/// sends `WebSocketFrameEncoder.close(code: error.closeCode)` and closes.
public struct WebSocketParser: Sendable {
    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler

    public init(role: WebSocketFrameDecoder.Role = .server, limits: WebSocketLimits = WebSocketLimits()) {
        decoder = WebSocketFrameDecoder(role: role, limits: limits)
        assembler = WebSocketMessageAssembler(limits: limits)
    }

    /// Bytes received but not yet turned into events (a partial frame, or frames not yet drained).
    public var bufferedByteCount: Int { decoder.bufferedByteCount }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        decoder.append(bytes)
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func nextEvent() throws(WebSocketError) -> WebSocketEvent? {
        while let frame = try decoder.nextFrame() {
            if let event = try assembler.push(frame) { return event }
        }
        return nil
    }

    /// Appends `bytes` and returns the next event (nil: more bytes needed). Call `nextEvent()` after
    /// a non-nil result: one read may hold several messages.
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(WebSocketError) -> WebSocketEvent? {
        decoder.append(bytes)
        return try nextEvent()
    }
}
