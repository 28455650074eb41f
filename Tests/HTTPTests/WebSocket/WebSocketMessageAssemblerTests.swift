import Testing
@testable import HTTP

@Suite struct WebSocketMessageAssemblerTests {
    @Test func fragmentedTextWithInterleavedControlFrames() {
        let bytes = Wire.client(.text, "Hel", fin: false)
            + Wire.client(.ping, "p1")
            + Wire.client(.continuation, "lo, ", fin: false)
            + Wire.client(.pong, "p2")
            + Wire.client(.continuation, [], fin: false)
            + Wire.client(.continuation, "world")
        #expect(parseAll(bytes) == WebSocketOutcome(events: [
            .ping(Array("p1".utf8)), .pong(Array("p2".utf8)), .text("Hello, world"),
        ]))
    }

    @Test func fragmentedBinaryThenClose() {
        let bytes = Wire.client(.binary, [1, 2], fin: false) + Wire.client(.continuation, [3]) + Wire.close(1000, Array("bye".utf8))
        #expect(parseAll(bytes) == WebSocketOutcome(events: [.binary([1, 2, 3]), .close(code: .normalClosure, reason: "bye")]))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var limits = WebSocketLimits()
        let events: [WebSocketEvent]
        let error: WebSocketError.Code
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "continuation without start", bytes: Wire.client(.continuation, "x"), events: [],
                error: .continuationWithoutStart),
        Invalid(name: "text inside fragmented text",
                bytes: Wire.client(.text, "a", fin: false) + Wire.client(.text, "b"), events: [],
                error: .dataFrameInsideFragmentedMessage),
        Invalid(name: "binary inside fragmented text, after a ping",
                bytes: Wire.client(.text, "a", fin: false) + Wire.client(.ping, "") + Wire.client(.binary, [1]),
                events: [.ping([])], error: .dataFrameInsideFragmentedMessage),
        Invalid(name: "single frame over the message limit", bytes: Wire.client(.binary, [UInt8](repeating: 0, count: 200)),
                limits: WebSocketLimits(maxFrameSize: 1000, maxMessageSize: 199), events: [], error: .messageTooLarge),
        Invalid(name: "fragments adding up over the message limit",
                bytes: Wire.client(.binary, [UInt8](repeating: 0, count: 100), fin: false)
                    + Wire.client(.continuation, [UInt8](repeating: 0, count: 100)),
                limits: WebSocketLimits(maxFrameSize: 1000, maxMessageSize: 199), events: [], error: .messageTooLarge),
        Invalid(name: "too many fragments",
                bytes: Wire.client(.binary, [], fin: false) + Wire.client(.continuation, [], fin: false)
                    + Wire.client(.continuation, [], fin: false) + Wire.client(.continuation, []),
                limits: WebSocketLimits(maxFragmentCount: 3), events: [], error: .tooManyFragments),
        Invalid(name: "invalid UTF-8 in one frame", bytes: Wire.client(.text, [0x61, 0xC0, 0xAF]), events: [],
                error: .invalidUTF8),
        Invalid(name: "invalid UTF-8 fails at the first fragment, before fin",
                bytes: Wire.client(.text, [0x61, 0xFF], fin: false), events: [], error: .invalidUTF8),
        Invalid(name: "surrogate split across fragments fails at the fragment that completes the prefix",
                bytes: Wire.client(.text, [0x61, 0xED], fin: false) + Wire.client(.continuation, [0xA0], fin: false),
                events: [], error: .invalidUTF8),
        Invalid(name: "text ends inside a sequence", bytes: Wire.client(.text, [0xE2, 0x82], fin: false)
                    + Wire.client(.continuation, []), events: [], error: .invalidUTF8),
        Invalid(name: "close with one byte", bytes: Wire.client(.close, [0x03]), events: [], error: .invalidClosePayload),
        Invalid(name: "close code 1005", bytes: Wire.close(1005), events: [], error: .invalidCloseCode),
        Invalid(name: "close reason not UTF-8", bytes: Wire.close(1000, [0xCE]), events: [], error: .invalidUTF8),
        Invalid(name: "frame after close", bytes: Wire.close(1000) + Wire.client(.text, "late"),
                events: [.close(code: .normalClosure, reason: "")], error: .frameAfterClose),
    ]

    @Test(arguments: invalid)
    func refusesInvalidSequence(_ invalid: Invalid) {
        #expect(parseAll(invalid.bytes, limits: invalid.limits) == WebSocketOutcome(events: invalid.events, error: invalid.error))
    }

    /// The failing fragment is refused at once: the parser never waits for fin to judge UTF-8.
    @Test func utf8FailsFastAcrossFragments() throws {
        var parser = WebSocketParser()
        #expect(try parser.parse(Wire.client(.text, [0xF0, 0x9F], fin: false)) == nil)
        #expect(throws: WebSocketError(.invalidUTF8, "text message is not valid UTF-8")) {
            try parser.parse(Wire.client(.continuation, [0x98, 0x41], fin: false))
        }
    }

    /// Invalid text is refused while the frame is still arriving (RFC 6455 section 8.1, Autobahn 6.4.*).
    @Test func utf8FailsFastInsideOneFrame() throws {
        let payload = Array("valid start ".utf8) + [0xF4, 0x90] + [UInt8](repeating: 0x61, count: 100)
        let frame = Wire.client(.text, payload)
        var parser = WebSocketParser()
        #expect(try parser.parse(frame.prefix(18)) == nil)  // 6 header bytes + 12 valid ones
        #expect(throws: WebSocketError(.invalidUTF8, "text message is not valid UTF-8")) {
            try parser.parse(frame[18..<20])
        }
        // The same bytes as binary are fine until the frame completes.
        let binary = Wire.client(.binary, payload)
        var binaryParser = WebSocketParser()
        #expect(try binaryParser.parse(binary.prefix(24)) == nil)
        #expect(try binaryParser.parse(binary.dropFirst(24)) == .binary(payload))
    }

    @Test func utf8FailsFastInsideAContinuationFrame() throws {
        let continuation = Wire.client(.continuation, [0x62, 0xFF] + [UInt8](repeating: 0x61, count: 50))
        var parser = WebSocketParser()
        #expect(try parser.parse(Wire.client(.text, "a", fin: false)) == nil)
        #expect(throws: WebSocketError(.invalidUTF8, "text message is not valid UTF-8")) {
            try parser.parse(continuation.prefix(10))
        }
    }

    /// Early checking never changes which error is reported: size limits still win over UTF-8.
    @Test func earlyUTF8CheckKeepsErrorPrecedence() {
        let limits = WebSocketLimits(maxFrameSize: 1000, maxMessageSize: 50)
        let bytes = Wire.client(.text, [0xFF] + [UInt8](repeating: 0x61, count: 99))
        for offset in 0...bytes.count {
            #expect(parseAll(splitBytes(bytes, at: [offset]), limits: limits) == WebSocketOutcome(error: .messageTooLarge))
        }
    }

    @Test func multiByteCharacterSplitAcrossFragmentsIsValid() {
        // "κόσμε" with the first character's two bytes and the emoji's four bytes split between frames.
        let text = Array("κόσμε😀".utf8)
        let bytes = Wire.client(.text, Array(text[..<1]), fin: false)
            + Wire.client(.continuation, Array(text[1..<12]), fin: false)
            + Wire.client(.continuation, Array(text[12...]))
        #expect(parseAll(bytes) == WebSocketOutcome(events: [.text("κόσμε😀")]))
    }

    @Test func errorsAreSticky() {
        var assembler = WebSocketMessageAssembler()
        #expect(throws: WebSocketError.self) { try assembler.push(WebSocketFrame(opcode: .continuation)) }
        #expect(throws: WebSocketError(.continuationWithoutStart, "continuation frame without a message to continue")) {
            try assembler.push(WebSocketFrame(opcode: .text, payload: [0x61]))
        }
    }

    @Test func errorMapping() {
        #expect(WebSocketError(.invalidUTF8, "").closeCode == .invalidPayload)
        #expect(WebSocketError(.messageTooLarge, "").closeCode == .messageTooBig)
        #expect(WebSocketError(.frameTooLarge, "").closeCode == .messageTooBig)
        #expect(WebSocketError(.tooManyFragments, "").closeCode == .messageTooBig)
        #expect(WebSocketError(.unmaskedClientFrame, "").closeCode == .protocolError)
        #expect(WebSocketError(.invalidCloseCode, "").closeCode == .protocolError)
    }
}
