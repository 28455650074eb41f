/// Turns bytes from a socket into frames (RFC 6455 section 5.2): a pure state machine with no I/O.
/// Feed bytes with `append`, then call `nextFrame()` until it returns nil (more bytes needed).
/// It enforces everything visible in one frame: masking direction, reserved bits, opcodes, control
/// frame rules, minimal length encoding and `WebSocketLimits.maxFrameSize`. Errors are sticky.
public struct WebSocketFrameDecoder: Sendable {
    /// Which side we are: a server requires masked frames, a client requires unmasked ones.
    public enum Role: Sendable, Equatable {
        case server
        case client
    }

    /// Outcome of `parse`: a frame, or a request for more bytes.
    public enum Output: Sendable, Equatable {
        case frame(WebSocketFrame)
        case needMoreData
    }

    public let role: Role
    public let limits: WebSocketLimits
    var buffer: [UInt8] = []
    /// Start of the unread bytes in `buffer`; compacting lazily avoids shifting on every frame.
    var readIndex = 0
    var failure: WebSocketError?

    public init(role: Role = .server, limits: WebSocketLimits = WebSocketLimits()) {
        self.role = role
        self.limits = limits
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes; they are parsed by `nextFrame()`.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 4096, readIndex > buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends `bytes` and returns the next frame or `.needMoreData`. Call again with no bytes to
    /// drain further frames already buffered.
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(WebSocketError) -> Output {
        append(bytes)
        if let frame = try nextFrame() { return .frame(frame) }
        return .needMoreData
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func nextFrame() throws(WebSocketError) -> WebSocketFrame? {
        if let failure { throw failure }
        do {
            return try decodeFrame()
        } catch {
            failure = error
            throw error
        }
    }
}
