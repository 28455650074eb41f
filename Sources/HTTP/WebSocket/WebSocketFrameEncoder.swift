/// Builds frames to send (RFC 6455 section 5.2). Servers send unmasked frames; a client (the test
/// client) passes a masking key, which the caller draws from a CSPRNG since this type is pure.
public enum WebSocketFrameEncoder {
    /// The 2 to 14 header bytes for a payload of `payloadLength` bytes. Lets a writer send header and
    /// payload with `writev` without copying the payload (unmasked frames only need this).
    public static func header(
        opcode: WebSocketOpcode,
        payloadLength: Int,
        fin: Bool = true,
        maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(14)
        header.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        let length = UInt64(max(0, payloadLength))
        switch length {
        case 0...125:
            header.append(maskBit | UInt8(length))
        case 126...0xFFFF:
            header.append(maskBit | 126)
            header.append(UInt8(truncatingIfNeeded: length >> 8))
            header.append(UInt8(truncatingIfNeeded: length))
        default:
            header.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                header.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
            }
        }
        if let key = maskingKey {
            header.append(contentsOf: [key.0, key.1, key.2, key.3])
        }
        return header
    }

    /// A whole frame. Control frames over 125 bytes or fragmented are refused.
    public static func frame(
        opcode: WebSocketOpcode,
        payload: some Collection<UInt8>,
        fin: Bool = true,
        maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) throws(WebSocketError) -> [UInt8] {
        if opcode.isControl {
            guard fin else { throw WebSocketError(.fragmentedControlFrame, "control frames must not be fragmented") }
            guard payload.count <= 125 else {
                throw WebSocketError(.controlFrameTooLarge, "control frame payload over 125 bytes")
            }
        }
        return unchecked(opcode: opcode, payload: payload, fin: fin, maskingKey: maskingKey)
    }

    static func unchecked(
        opcode: WebSocketOpcode,
        payload: some Collection<UInt8>,
        fin: Bool,
        maskingKey: (UInt8, UInt8, UInt8, UInt8)?
    ) -> [UInt8] {
        var bytes = header(opcode: opcode, payloadLength: payload.count, fin: fin, maskingKey: maskingKey)
        bytes.reserveCapacity(bytes.count + payload.count)
        if let key = maskingKey {
            var masked = Array(payload)
            WebSocketFrameDecoder.unmask(&masked, key)
            bytes.append(contentsOf: masked)
        } else {
            bytes.append(contentsOf: payload)
        }
        return bytes
    }

    /// A text message in one frame.
    public static func text(_ text: String, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        unchecked(opcode: .text, payload: text.utf8, fin: true, maskingKey: maskingKey)
    }

    /// A binary message in one frame.
    public static func binary(_ payload: some Collection<UInt8>, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        unchecked(opcode: .binary, payload: payload, fin: true, maskingKey: maskingKey)
    }

    /// A ping (payload at most 125 bytes).
    public static func ping(_ payload: [UInt8] = [], maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) throws(WebSocketError) -> [UInt8] {
        try frame(opcode: .ping, payload: payload, maskingKey: maskingKey)
    }

    /// A pong echoing a ping's payload (at most 125 bytes, which a decoded ping always satisfies).
    public static func pong(_ payload: [UInt8], maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) throws(WebSocketError) -> [UInt8] {
        try frame(opcode: .pong, payload: payload, maskingKey: maskingKey)
    }

    /// A close frame. `code` nil sends an empty close. The reason is cut to fit the 125-byte control
    /// payload at a character boundary, so a long reason never makes closing fail.
    public static func close(
        code: WebSocketCloseCode?,
        reason: String = "",
        maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) throws(WebSocketError) -> [UInt8] {
        guard let code else { return unchecked(opcode: .close, payload: [UInt8](), fin: true, maskingKey: maskingKey) }
        guard code.isValidOnWire else {
            throw WebSocketError(.invalidCloseCode, "close code \(code.rawValue) may not be sent")
        }
        var payload: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        var reasonBytes = 0
        for scalar in reason.unicodeScalars {
            let width = UTF8.width(scalar)
            guard reasonBytes + width <= 123 else { break }
            payload.append(contentsOf: String(scalar).utf8)
            reasonBytes += width
        }
        return unchecked(opcode: .close, payload: payload, fin: true, maskingKey: maskingKey)
    }
}
