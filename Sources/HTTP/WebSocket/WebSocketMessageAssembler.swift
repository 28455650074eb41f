/// Joins frames into messages (RFC 6455 section 5.4): control frames may arrive between fragments,
/// text is validated as UTF-8 fragment by fragment (failing at the first bad byte), close payloads
/// are checked, and message size and fragment count are bounded. Errors are sticky.
public struct WebSocketMessageAssembler: Sendable {
    private enum State: Sendable {
        case idle
        case fragmented(opcode: WebSocketOpcode, payload: [UInt8], fragments: Int, utf8: UTF8StreamValidator)
        case closed
        case failed(WebSocketError)
    }

    public let limits: WebSocketLimits
    private var state: State = .idle

    public init(limits: WebSocketLimits = WebSocketLimits()) {
        self.limits = limits
    }

    /// True while a fragmented message is partly received.
    public var isInsideMessage: Bool {
        if case .fragmented = state { return true }
        return false
    }

    /// The UTF-8 state a frame with `opcode` and `payloadLength` would be validated from if it
    /// arrived now: non-nil only for text that the assembler would otherwise accept, so checking a
    /// partial frame early never reports a different error than the complete frame would.
    func textValidator(forIncoming opcode: WebSocketOpcode, payloadLength: Int) -> UTF8StreamValidator? {
        switch (state, opcode) {
        case (.idle, .text):
            guard (try? checkSize(payloadLength, fragments: 1)) != nil else { return nil }
            return UTF8StreamValidator()
        case (.fragmented(.text, let payload, let fragments, let utf8), .continuation):
            guard (try? checkSize(payload.count + payloadLength, fragments: fragments + 1)) != nil else { return nil }
            return utf8
        default:
            return nil
        }
    }

    /// Takes the next frame; returns an event, or nil when the frame was a non-final fragment.
    public mutating func push(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketEvent? {
        if case .failed(let error) = state { throw error }
        do {
            return try handle(frame)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func handle(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketEvent? {
        if case .closed = state {
            throw WebSocketError(.frameAfterClose, "frame received after a close frame")
        }
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close:
            let event = try Self.closeEvent(frame.payload)
            state = .closed
            return event
        case .text, .binary:
            if isInsideMessage {
                throw WebSocketError(.dataFrameInsideFragmentedMessage, "new data frame before the fragmented message ended")
            }
            var utf8 = UTF8StreamValidator()
            try checkSize(frame.payload.count, fragments: 1)
            if frame.opcode == .text, !utf8.consume(frame.payload) {
                throw WebSocketError(.invalidUTF8, "text message is not valid UTF-8")
            }
            if frame.fin { return try Self.message(frame.opcode, frame.payload, utf8) }
            state = .fragmented(opcode: frame.opcode, payload: frame.payload, fragments: 1, utf8: utf8)
            return nil
        case .continuation:
            guard case .fragmented(let opcode, var payload, let fragments, var utf8) = state else {
                throw WebSocketError(.continuationWithoutStart, "continuation frame without a message to continue")
            }
            state = .idle  // releases the buffer's reference so the append below does not copy it
            // Fragment count and size are checked before the bytes are kept.
            try checkSize(payload.count + frame.payload.count, fragments: fragments + 1)
            if opcode == .text, !utf8.consume(frame.payload) {
                throw WebSocketError(.invalidUTF8, "text message is not valid UTF-8")
            }
            payload.append(contentsOf: frame.payload)
            if frame.fin { return try Self.message(opcode, payload, utf8) }
            state = .fragmented(opcode: opcode, payload: payload, fragments: fragments + 1, utf8: utf8)
            return nil
        default:
            // The decoder refuses undefined opcodes; kept for frames built by hand.
            throw WebSocketError(.unknownOpcode, "unknown opcode \(frame.opcode.rawValue)")
        }
    }

    private func checkSize(_ size: Int, fragments: Int) throws(WebSocketError) {
        guard size <= limits.maxMessageSize else {
            throw WebSocketError(.messageTooLarge, "message exceeds \(limits.maxMessageSize) bytes")
        }
        guard fragments <= limits.maxFragmentCount else {
            throw WebSocketError(.tooManyFragments, "message split into more than \(limits.maxFragmentCount) frames")
        }
    }

    private static func message(
        _ opcode: WebSocketOpcode, _ payload: [UInt8], _ utf8: UTF8StreamValidator
    ) throws(WebSocketError) -> WebSocketEvent {
        guard opcode == .text else { return .binary(payload) }
        guard utf8.isAtBoundary else {
            throw WebSocketError(.invalidUTF8, "text message ends inside a UTF-8 sequence")
        }
        return .text(String(decoding: payload, as: UTF8.self))
    }

    /// Parses a close payload: empty, or a 2-byte valid code followed by a UTF-8 reason.
    static func closeEvent(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else {
            throw WebSocketError(.invalidClosePayload, "close payload of 1 byte")
        }
        let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isValidOnWire else {
            throw WebSocketError(.invalidCloseCode, "close code \(code.rawValue) may not be sent")
        }
        let reason = payload[2...]
        guard UTF8StreamValidator.isValid(reason) else {
            throw WebSocketError(.invalidUTF8, "close reason is not valid UTF-8")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }
}
