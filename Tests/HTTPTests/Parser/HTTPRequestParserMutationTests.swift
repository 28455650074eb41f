import Testing
import TestSupport
@testable import HTTP

/// Seeded random mutations of valid requests: the parser must only ever return events, nil or a typed
/// error (a trap would crash the test process), keep its buffer bounded, and stay failed once failed.
@Suite struct HTTPRequestParserMutationTests {
    static let seeds: [String] = [
        "GET /a?b=c HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    @Test func mutatedInputsNeverCrash() {
        var generator = SplitMix64(seed: 0xC0FFEE)
        let interesting: [UInt8] = Array("\r\n :;,-0123456789abcdefABCDEFxX\t\u{7F}".utf8) + [0, 0x80, 0xFF]
        var outcomes = [0, 0, 0]
        for iteration in 0..<20_000 {
            var bytes = Array(Self.seeds[iteration % Self.seeds.count].utf8)
            if iteration % 3 == 0 { bytes += Array(Self.seeds[(iteration / 3) % Self.seeds.count].utf8) }
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = interesting.randomElement(using: &generator) ?? 0
                case 1: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
                case 2: if bytes.count > 1 { bytes.remove(at: position) }
                default: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            var parser = HTTPRequestParser()
            var index = 0
            var failure: HTTPParseError?
            feeding: while index < bytes.count {
                let size = Int.random(in: 1...9, using: &generator)
                parser.feed(bytes[index..<min(bytes.count, index + size)])
                index += size
                do {
                    while try parser.next() != nil {}
                } catch {
                    failure = error
                    break feeding
                }
                #expect(parser.bufferedByteCount <= bytes.count)
            }
            if let failure {
                outcomes[2] += 1
                #expect((400...505).contains(failure.status))
                #expect(throws: failure) { try parser.next() }
            } else if parser.isIdle {
                outcomes[0] += 1
            } else {
                outcomes[1] += 1
            }
        }
        // The loop must exercise both accepting and refusing paths to mean anything.
        #expect(outcomes[0] > 100)
        #expect(outcomes[2] > 1_000)
    }
}
