import Testing
@testable import HTTP

@Suite struct WebSocketCloseCodeTests {
    static let valid: [UInt16] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999]
    static let invalid: [UInt16] = [0, 1, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535]

    @Test(arguments: valid)
    func acceptsCode(_ code: UInt16) throws {
        #expect(WebSocketCloseCode(rawValue: code).isValidOnWire)
        #expect(parseAll(Wire.close(code, Array("why".utf8))).events == [.close(code: WebSocketCloseCode(rawValue: code), reason: "why")])
        // The encoder sends it and the decoder reads it back.
        var decoder = WebSocketFrameDecoder(role: .client)
        let frame = try WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: code), reason: "r")
        #expect(try decoder.parse(frame) == .frame(WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF), 0x72])))
    }

    @Test(arguments: invalid)
    func refusesCode(_ code: UInt16) {
        #expect(!WebSocketCloseCode(rawValue: code).isValidOnWire)
        #expect(parseAll(Wire.close(code)) == WebSocketOutcome(error: .invalidCloseCode))
        #expect(throws: WebSocketError.self) { try WebSocketFrameEncoder.close(code: WebSocketCloseCode(rawValue: code)) }
    }

    @Test func emptyCloseHasNoCode() {
        #expect(parseAll(Wire.client(.close, [UInt8]())).events == [.close(code: nil, reason: "")])
    }
}
