import Testing
@testable import HTTP

@Suite struct WebSocketFrameDecoderTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let role: WebSocketFrameDecoder.Role
        let frame: WebSocketFrame
        var testDescription: String { name }
    }

    static let hello = Array("Hello".utf8)

    /// RFC 6455 section 5.7 examples plus each length encoding.
    static let valid: [Valid] = [
        Valid(name: "masked text Hello (RFC 5.7)", bytes: Wire.hex("81 85 37fa213d 7f9f4d5158"), role: .server,
              frame: WebSocketFrame(opcode: .text, payload: hello)),
        Valid(name: "unmasked text Hello to a client (RFC 5.7)", bytes: Wire.hex("81 05 48656c6c6f"), role: .client,
              frame: WebSocketFrame(opcode: .text, payload: hello)),
        Valid(name: "first fragment (RFC 5.7)", bytes: Wire.hex("01 03 48656c"), role: .client,
              frame: WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8))),
        Valid(name: "masked pong Hello (RFC 5.7)", bytes: Wire.hex("8a 85 37fa213d 7f9f4d5158"), role: .server,
              frame: WebSocketFrame(opcode: .pong, payload: hello)),
        Valid(name: "empty masked binary", bytes: Wire.hex("82 80 01020304"), role: .server,
              frame: WebSocketFrame(opcode: .binary, payload: [])),
        Valid(name: "125 bytes, 7-bit length", bytes: Wire.client(.binary, [UInt8](repeating: 7, count: 125)),
              role: .server, frame: WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 125))),
        Valid(name: "256 bytes, 16-bit length (RFC 5.7)", bytes: Wire.hex("82 7E 0100") + [UInt8](repeating: 1, count: 256),
              role: .client, frame: WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 1, count: 256))),
        Valid(name: "65536 bytes, 64-bit length (RFC 5.7)",
              bytes: Wire.hex("82 7F 0000000000010000") + [UInt8](repeating: 2, count: 65536),
              role: .client, frame: WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 2, count: 65536))),
        Valid(name: "close 125 bytes", bytes: Wire.client(.close, [0x03, 0xE8] + [UInt8](repeating: 0x61, count: 123)),
              role: .server, frame: WebSocketFrame(opcode: .close, payload: [0x03, 0xE8] + [UInt8](repeating: 0x61, count: 123))),
    ]

    @Test(arguments: valid)
    func decodesValidFrame(_ valid: Valid) throws {
        var decoder = WebSocketFrameDecoder(role: valid.role)
        #expect(try decoder.parse(valid.bytes) == .frame(valid.frame))
        #expect(try decoder.parse([UInt8]()) == .needMoreData)
        #expect(decoder.bufferedByteCount == 0)

        // Every strict prefix needs more data and leaves nothing decoded.
        var partial = WebSocketFrameDecoder(role: valid.role)
        for byte in valid.bytes.dropLast() {
            #expect(try partial.parse([byte]) == .needMoreData)
        }
        #expect(try partial.parse([valid.bytes[valid.bytes.count - 1]]) == .frame(valid.frame))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var role: WebSocketFrameDecoder.Role = .server
        var limits = WebSocketLimits()
        let error: WebSocketError.Code
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "RSV1 set", bytes: Wire.hex("c1 80 00000000"), error: .reservedBitsSet),
        Invalid(name: "RSV2 set", bytes: Wire.hex("a1 80 00000000"), error: .reservedBitsSet),
        Invalid(name: "RSV3 set", bytes: Wire.hex("91 80 00000000"), error: .reservedBitsSet),
        Invalid(name: "opcode 3", bytes: Wire.hex("83 80 00000000"), error: .unknownOpcode),
        Invalid(name: "opcode 7", bytes: Wire.hex("87 80 00000000"), error: .unknownOpcode),
        Invalid(name: "opcode 0xB", bytes: Wire.hex("8b 80 00000000"), error: .unknownOpcode),
        Invalid(name: "opcode 0xF", bytes: Wire.hex("8f 80 00000000"), error: .unknownOpcode),
        Invalid(name: "unmasked client frame", bytes: Wire.hex("81 05 48656c6c6f"), error: .unmaskedClientFrame),
        Invalid(name: "masked server frame", bytes: Wire.hex("81 85 37fa213d 7f9f4d5158"), role: .client,
                error: .maskedServerFrame),
        Invalid(name: "fragmented ping", bytes: Wire.hex("09 80 00000000"), error: .fragmentedControlFrame),
        Invalid(name: "fragmented close", bytes: Wire.hex("08 80 00000000"), error: .fragmentedControlFrame),
        Invalid(name: "ping of 126 bytes", bytes: Wire.hex("89 fe 007e"), error: .controlFrameTooLarge),
        Invalid(name: "close with 64-bit length", bytes: Wire.hex("88 ff"), error: .controlFrameTooLarge),
        Invalid(name: "16-bit length for 125", bytes: Wire.hex("82 fe 007d"), error: .nonMinimalLength),
        Invalid(name: "64-bit length for 65535", bytes: Wire.hex("82 ff 000000000000ffff"), error: .nonMinimalLength),
        Invalid(name: "64-bit length with MSB set", bytes: Wire.hex("82 ff 8000000000000000"), error: .invalidLength),
        Invalid(name: "64-bit length all ones", bytes: Wire.hex("82 ff ffffffffffffffff"), error: .invalidLength),
        Invalid(name: "64-bit length 2^62", bytes: Wire.hex("82 ff 4000000000000000"), error: .frameTooLarge),
        Invalid(name: "over the frame limit, refused from the header alone", bytes: Wire.hex("82 fe 012d"),
                limits: WebSocketLimits(maxFrameSize: 300), error: .frameTooLarge),
    ]

    @Test(arguments: invalid)
    func refusesInvalidFrame(_ invalid: Invalid) {
        var decoder = WebSocketFrameDecoder(role: invalid.role, limits: invalid.limits)
        #expect(throws: WebSocketError.self) { try decoder.parse(invalid.bytes) }
        do {
            _ = try WebSocketFrameDecoder(role: invalid.role, limits: invalid.limits).parseCopy(invalid.bytes)
            Issue.record("no error for \(invalid.name)")
        } catch {
            #expect(error.code == invalid.error)
        }
        // Sticky: the same error again, even for valid bytes.
        do {
            _ = try decoder.parse(Wire.client(.text, "ok"))
            Issue.record("decoder resynchronised after an error")
        } catch {
            #expect(error.code == invalid.error)
        }
    }

    @Test func limitAtExactFrameSize() throws {
        var decoder = WebSocketFrameDecoder(limits: WebSocketLimits(maxFrameSize: 300))
        let frame = Wire.client(.binary, [UInt8](repeating: 9, count: 300))
        #expect(try decoder.parse(frame) == .frame(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 9, count: 300))))
    }

    @Test func severalFramesInOneRead() throws {
        var decoder = WebSocketFrameDecoder()
        decoder.append(Wire.client(.text, "a") + Wire.client(.ping, "p") + Wire.client(.text, "b").prefix(3))
        #expect(try decoder.nextFrame() == WebSocketFrame(opcode: .text, payload: [0x61]))
        #expect(try decoder.nextFrame() == WebSocketFrame(opcode: .ping, payload: [0x70]))
        #expect(try decoder.nextFrame() == nil)
        #expect(decoder.bufferedByteCount == 3)
    }
}

extension WebSocketFrameDecoder {
    /// One-shot parse on a copy, for error assertions.
    func parseCopy(_ bytes: [UInt8]) throws(WebSocketError) -> Output {
        var copy = self
        return try copy.parse(bytes)
    }
}
