/// The byte-level parsing of one frame; every length from the wire is checked before it is converted.
extension WebSocketFrameDecoder {
    /// A fully read and checked frame header.
    struct Header {
        var fin: Bool
        var opcode: WebSocketOpcode
        /// Header bytes including the masking key.
        var length: Int
        var payloadLength: Int
        var maskingKey: (UInt8, UInt8, UInt8, UInt8)?

    }

    mutating func decodeFrame() throws(WebSocketError) -> WebSocketFrame? {
        guard let header = try currentHeader() else { return nil }
        guard bufferedByteCount >= header.length + header.payloadLength else { return nil }
        let payloadStart = readIndex + header.length
        var payload = Array(buffer[payloadStart..<(payloadStart + header.payloadLength)])
        if let key = header.maskingKey { Self.unmask(&payload, key) }
        readIndex = payloadStart + header.payloadLength
        return WebSocketFrame(fin: header.fin, opcode: header.opcode, payload: payload)
    }

    /// The header of the frame at the read position, nil while its bytes are incomplete.
    func currentHeader() throws(WebSocketError) -> Header? {
        let available = buffer.count - readIndex
        guard available >= 2 else { return nil }
        let first = buffer[readIndex]
        let second = buffer[readIndex + 1]

        let fin = first & 0x80 != 0
        let opcode = WebSocketOpcode(rawValue: first & 0x0F)
        guard first & 0x70 == 0 else {
            throw WebSocketError(.reservedBitsSet, "reserved bits set without a negotiated extension")
        }
        guard opcode.isDefined else {
            throw WebSocketError(.unknownOpcode, "unknown opcode \(opcode.rawValue)")
        }
        let masked = second & 0x80 != 0
        switch role {
        case .server where !masked:
            throw WebSocketError(.unmaskedClientFrame, "client frames must be masked")
        case .client where masked:
            throw WebSocketError(.maskedServerFrame, "server frames must not be masked")
        default:
            break
        }
        let shortLength = second & 0x7F
        if opcode.isControl {
            guard fin else { throw WebSocketError(.fragmentedControlFrame, "control frames must not be fragmented") }
            guard shortLength <= 125 else {
                throw WebSocketError(.controlFrameTooLarge, "control frame payload over 125 bytes")
            }
        }

        var headerLength = 2
        let wireLength: UInt64
        switch shortLength {
        case 126:
            guard available >= 4 else { return nil }
            wireLength = UInt64(buffer[readIndex + 2]) << 8 | UInt64(buffer[readIndex + 3])
            guard wireLength >= 126 else {
                throw WebSocketError(.nonMinimalLength, "16-bit length used for a payload under 126 bytes")
            }
            headerLength = 4
        case 127:
            guard available >= 10 else { return nil }
            var value: UInt64 = 0
            for offset in 2..<10 { value = value << 8 | UInt64(buffer[readIndex + offset]) }
            guard value & (1 << 63) == 0 else {
                throw WebSocketError(.invalidLength, "64-bit length with the most significant bit set")
            }
            guard value > 0xFFFF else {
                throw WebSocketError(.nonMinimalLength, "64-bit length used for a payload under 65536 bytes")
            }
            wireLength = value
            headerLength = 10
        default:
            wireLength = UInt64(shortLength)
        }
        // Compared as UInt64 before any conversion to Int, so no length can trap.
        guard wireLength <= UInt64(limits.maxFrameSize) else {
            throw WebSocketError(.frameTooLarge, "frame payload exceeds \(limits.maxFrameSize) bytes")
        }
        var maskingKey: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            guard available >= headerLength + 4 else { return nil }
            let at = readIndex + headerLength
            maskingKey = (buffer[at], buffer[at + 1], buffer[at + 2], buffer[at + 3])
            headerLength += 4
        }
        return Header(fin: fin, opcode: opcode, length: headerLength, payloadLength: Int(wireLength), maskingKey: maskingKey)
    }

    /// XORs the payload with the 4-byte key (its own inverse, so it also masks). `keyOffset` is the
    /// position of `payload[0]` within the frame's payload, for unmasking a frame piece by piece.
    static func unmask(_ payload: inout [UInt8], _ key: (UInt8, UInt8, UInt8, UInt8), keyOffset: Int = 0) {
        let keys = [key.0, key.1, key.2, key.3]
        let rotated = (0..<4).map { keys[(keyOffset + $0) & 3] }
        let (k0, k1, k2, k3) = (rotated[0], rotated[1], rotated[2], rotated[3])
        payload.withUnsafeMutableBufferPointer { bytes in
            var index = 0
            let count = bytes.count
            while index &+ 4 <= count {
                bytes[index] ^= k0
                bytes[index &+ 1] ^= k1
                bytes[index &+ 2] ^= k2
                bytes[index &+ 3] ^= k3
                index &+= 4
            }
            while index < count {
                bytes[index] ^= rotated[index & 3]
                index &+= 1
            }
        }
    }
}
