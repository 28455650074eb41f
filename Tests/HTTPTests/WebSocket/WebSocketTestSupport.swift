import TestSupport
@testable import HTTP

/// Builders for client frames in tests.
enum Wire {
    static let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xfa, 0x21, 0x3d)

    /// Bytes from "81 85 37fa" style hex.
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.filter { !$0.isWhitespace }
        var out: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            out.append(UInt8(digits[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// A masked client frame, written with the encoder (which skips control-frame checks here on purpose).
    static func client(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        WebSocketFrameEncoder.unchecked(opcode: opcode, payload: payload, fin: fin, maskingKey: key)
    }

    static func client(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true) -> [UInt8] {
        client(opcode, Array(text.utf8), fin: fin)
    }

    static func close(_ code: UInt16, _ reason: [UInt8] = []) -> [UInt8] {
        client(.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }
}

/// What a parser produced for an input: events in order and the error that stopped it, if any.
struct WebSocketOutcome: Equatable, CustomStringConvertible {
    var events: [WebSocketEvent] = []
    var error: WebSocketError.Code?
    var description: String { "events: \(events), error: \(error.map { "\($0)" } ?? "none")" }
}

/// Feeds `chunks` one after another, draining all events after each, stopping at the first error.
func parseAll(_ chunks: [ArraySlice<UInt8>], limits: WebSocketLimits = WebSocketLimits()) -> WebSocketOutcome {
    var parser = WebSocketParser(limits: limits)
    var outcome = WebSocketOutcome()
    for chunk in chunks {
        do {
            parser.append(chunk)
            while let event = try parser.nextEvent() { outcome.events.append(event) }
        } catch {
            outcome.error = error.code
            return outcome
        }
    }
    return outcome
}

func parseAll(_ bytes: [UInt8], limits: WebSocketLimits = WebSocketLimits()) -> WebSocketOutcome {
    parseAll([bytes[...]], limits: limits)
}

/// `bytes` cut at the given sorted offsets.
func splitBytes(_ bytes: [UInt8], at offsets: [Int]) -> [ArraySlice<UInt8>] {
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    for offset in offsets where offset > start && offset < bytes.count {
        pieces.append(bytes[start..<offset])
        start = offset
    }
    pieces.append(bytes[start...])
    return pieces
}
