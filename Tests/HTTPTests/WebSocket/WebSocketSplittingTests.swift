import Testing
import TestSupport
@testable import HTTP

/// The same bytes must give the same events however the network cuts them.
@Suite struct WebSocketSplittingTests {
    /// A conversation touching every path: fragments with interleaved control frames, all length forms.
    static let conversation: [UInt8] = Wire.client(.text, "{\"type\":\"sub", fin: false)
        + Wire.client(.ping, "hb")
        + Wire.client(.continuation, "scribe\",\"room\":\"κ\"}")
        + Wire.client(.binary, [UInt8](repeating: 0xAB, count: 130))
        + Wire.client(.text, [0xCE], fin: false)
        + Wire.client(.continuation, [0xBA])
        + Wire.client(.pong, [])
        + Wire.client(.text, "")
    static let expected: [WebSocketEvent] = [
        .ping(Array("hb".utf8)), .text("{\"type\":\"subscribe\",\"room\":\"κ\"}"),
        .binary([UInt8](repeating: 0xAB, count: 130)), .text("κ"), .pong([]), .text(""),
    ]

    @Test func wholeAndByteByByte() {
        #expect(parseAll(Self.conversation) == WebSocketOutcome(events: Self.expected))
        #expect(parseAll(Self.conversation.map { [$0][...] }) == WebSocketOutcome(events: Self.expected))
    }

    @Test func splitAtEveryBoundary() {
        for offset in 0...Self.conversation.count {
            #expect(parseAll(splitBytes(Self.conversation, at: [offset])) == WebSocketOutcome(events: Self.expected), "split at \(offset)")
        }
    }

    @Test func concatenatedWithItselfThenClosed() {
        let bytes = Self.conversation + Self.conversation + Wire.close(1001, Array("bye".utf8))
        let expected = WebSocketOutcome(events: Self.expected + Self.expected + [.close(code: .goingAway, reason: "bye")])
        #expect(parseAll(bytes) == expected)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let cuts = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            #expect(parseAll(splitBytes(bytes, at: cuts)) == expected, "cuts \(cuts)")
        }
    }

    @Test func largeFrameWith64BitLength() {
        let payload = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        let bytes = Wire.client(.binary, payload) + Wire.client(.text, "after")
        let expected = WebSocketOutcome(events: [.binary(payload), .text("after")])
        #expect(parseAll(bytes) == expected)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let cuts = (0..<Int.random(in: 1...40, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            #expect(parseAll(splitBytes(bytes, at: cuts)) == expected)
        }
    }

    /// An error is reported at the same point whatever the split.
    @Test func errorsDoNotDependOnSplits() {
        let bytes = Wire.client(.text, "ok") + Wire.client(.text, [0x61, 0xED], fin: false) + Wire.client(.continuation, [0xA0, 0x80])
        let expected = WebSocketOutcome(events: [.text("ok")], error: .invalidUTF8)
        for offset in 0...bytes.count {
            #expect(parseAll(splitBytes(bytes, at: [offset])) == expected)
        }
    }
}
