/// The inbound side of a WebSocket connection in one value: frame decoder plus message assembler.
/// A connection handler appends what it reads and drains `nextEvent()` until nil; on an error it
/// sends `WebSocketFrameEncoder.close(code: error.closeCode)` and closes. Errors are sticky.
public struct WebSocketParser: Sendable {
    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler
    /// UTF-8 state over the part of the current, incomplete text frame already checked: invalid text
    /// is refused as soon as its bytes arrive, not when the (up to `maxFrameSize`) frame completes.
    private var partialText: (validator: UTF8StreamValidator?, checked: Int)?
    private var failure: WebSocketError?

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
        if let failure { throw failure }
        do {
            while let frame = try decoder.nextFrame() {
                partialText = nil
                if let event = try assembler.push(frame) { return event }
            }
            try checkPartialText()
            return nil
        } catch {
            failure = error
            throw error
        }
    }

    /// Appends `bytes` and returns the next event (nil: more bytes needed). Call `nextEvent()` after
    /// a non-nil result: one read may hold several messages.
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(WebSocketError) -> WebSocketEvent? {
        decoder.append(bytes)
        return try nextEvent()
    }

    private mutating func checkPartialText() throws(WebSocketError) {
        // A frame already known not to be checkable text: nothing to look at until it completes.
        if let partialText, partialText.validator == nil { return }
        let checked = partialText?.checked ?? 0
        guard let partial = try decoder.partialFrame(payloadFrom: checked) else { return }
        var validator = partialText.map(\.validator)
            ?? assembler.textValidator(forIncoming: partial.opcode, payloadLength: partial.payloadLength)
        if validator != nil, validator?.consume(partial.bytes) == false {
            throw WebSocketError(.invalidUTF8, "text message is not valid UTF-8")
        }
        partialText = (validator, checked + partial.bytes.count)
    }
}
