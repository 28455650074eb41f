/// The byte-level parsing of one frame; every length from the wire is checked before it is converted.
extension WebSocketFrameDecoder {
    mutating func decodeFrame() throws(WebSocketError) -> WebSocketFrame? {
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
        let payloadLength = Int(wireLength)
        let maskOffset = readIndex + headerLength
        if masked { headerLength += 4 }
        guard available >= headerLength + payloadLength else { return nil }

        let payloadStart = readIndex + headerLength
        var payload = Array(buffer[payloadStart..<(payloadStart + payloadLength)])
        if masked {
            let mask = (buffer[maskOffset], buffer[maskOffset + 1], buffer[maskOffset + 2], buffer[maskOffset + 3])
            Self.unmask(&payload, mask)
        }
        readIndex = payloadStart + payloadLength
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }

    /// XORs the payload with the 4-byte key (its own inverse, so it also masks).
    static func unmask(_ payload: inout [UInt8], _ key: (UInt8, UInt8, UInt8, UInt8)) {
        payload.withUnsafeMutableBufferPointer { bytes in
            var index = 0
            let count = bytes.count
            while index &+ 4 <= count {
                bytes[index] ^= key.0
                bytes[index &+ 1] ^= key.1
                bytes[index &+ 2] ^= key.2
                bytes[index &+ 3] ^= key.3
                index &+= 4
            }
            let keys = [key.0, key.1, key.2, key.3]
            while index < count {
                bytes[index] ^= keys[index & 3]
                index &+= 1
            }
        }
    }
}
