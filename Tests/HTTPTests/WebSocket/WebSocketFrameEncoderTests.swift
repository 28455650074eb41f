import Testing
@testable import HTTP

@Suite struct WebSocketFrameEncoderTests {
    @Test(arguments: [
        (0, [0x82, 0x00] as [UInt8]), (125, [0x82, 0x7D]), (126, [0x82, 0x7E, 0x00, 0x7E]),
        (65535, [0x82, 0x7E, 0xFF, 0xFF]), (65536, [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0]),
    ])
    func lengthEncoding(length: Int, header: [UInt8]) throws {
        #expect(WebSocketFrameEncoder.header(opcode: .binary, payloadLength: length) == header)
        let frame = WebSocketFrameEncoder.binary([UInt8](repeating: 3, count: length))
        #expect(Array(frame.prefix(header.count)) == header)
        #expect(frame.count == header.count + length)
        var decoder = WebSocketFrameDecoder(role: .client)
        #expect(try decoder.parse(frame) == .frame(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 3, count: length))))
    }

    @Test func serverFramesAreUnmasked() throws {
        #expect(WebSocketFrameEncoder.text("Hello") == Wire.hex("81 05 48656c6c6f"))
        #expect(try WebSocketFrameEncoder.ping(Array("Hello".utf8)) == Wire.hex("89 05 48656c6c6f"))
        #expect(try WebSocketFrameEncoder.pong([]) == [0x8A, 0x00])
        #expect(try WebSocketFrameEncoder.close(code: nil) == [0x88, 0x00])
        #expect(try WebSocketFrameEncoder.close(code: .messageTooBig, reason: "big") == [0x88, 0x05, 0x03, 0xF1, 0x62, 0x69, 0x67])
        #expect(WebSocketFrameEncoder.header(opcode: .text, payloadLength: 3, fin: false) == [0x01, 0x03])
    }

    @Test func clientMaskingMatchesRFCExample() {
        #expect(WebSocketFrameEncoder.text("Hello", maskingKey: (0x37, 0xfa, 0x21, 0x3d)) == Wire.hex("81 85 37fa213d 7f9f4d5158"))
    }

    @Test func controlFrameLimits() {
        #expect(throws: WebSocketError(.controlFrameTooLarge, "control frame payload over 125 bytes")) {
            try WebSocketFrameEncoder.ping([UInt8](repeating: 0, count: 126))
        }
        #expect(throws: WebSocketError.self) {
            try WebSocketFrameEncoder.frame(opcode: .ping, payload: [UInt8](), fin: false)
        }
    }

    @Test func longCloseReasonIsCutAtACharacterBoundary() throws {
        let reason = String(repeating: "a", count: 122) + "é" + "tail"  // "é" would end at byte 124
        let frame = try WebSocketFrameEncoder.close(code: .normalClosure, reason: reason)
        #expect(frame.count == 2 + 2 + 122)
        var parser = WebSocketParser(role: .client)
        #expect(try parser.parse(frame) == .close(code: .normalClosure, reason: String(repeating: "a", count: 122)))
        let exact = try WebSocketFrameEncoder.close(code: .normalClosure, reason: String(repeating: "b", count: 200))
        #expect(exact.count == 2 + 125)
    }
}
