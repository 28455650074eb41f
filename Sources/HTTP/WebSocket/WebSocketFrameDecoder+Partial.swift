/// A view of the frame still being received, so text can be validated before the frame completes
/// (RFC 6455 section 8.1 asks to fail fast on invalid UTF-8).
extension WebSocketFrameDecoder {
    /// The header and the unmasked payload bytes received so far starting at `offset`, for the frame
    /// at the read position; nil when its header is incomplete or it is already complete (then
    /// `nextFrame()` returns it).
    func partialFrame(payloadFrom offset: Int) throws(WebSocketError) -> (opcode: WebSocketOpcode, payloadLength: Int, bytes: [UInt8])? {
        if let failure { throw failure }
        guard let header = try currentHeader() else { return nil }
        let payloadStart = readIndex + header.length
        let received = buffer.count - payloadStart
        guard received < header.payloadLength else { return nil }
        let from = min(max(0, offset), received)
        var bytes = Array(buffer[(payloadStart + from)..<buffer.count])
        if let key = header.maskingKey { Self.unmask(&bytes, key, keyOffset: from) }
        return (header.opcode, header.payloadLength, bytes)
    }
}
