import Testing
import TestSupport
@testable import HTTP

/// Seeded mutations of valid traffic: the parser may only produce events, need more data, or throw a
/// typed error (the test process crashing is the failure this guards against).
@Suite struct WebSocketMutationTests {
    @Test func mutatedTrafficNeverCrashes() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let corpus: [[UInt8]] = [
            WebSocketSplittingTests.conversation,
            Wire.close(1000, Array("bye".utf8)),
            Wire.client(.binary, [UInt8](repeating: 1, count: 300)),
            Wire.hex("82 ff 0000000000010000"),
        ]
        let limits = WebSocketLimits(maxFrameSize: 4096, maxMessageSize: 8192, maxFragmentCount: 16)
        var outcomes: [String: Int] = [:]
        for _ in 0..<5_000 {
            var bytes = corpus.randomElement(using: &rng) ?? []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                mutate(&bytes, using: &rng)
            }
            let cuts = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            let outcome = parseAll(splitBytes(bytes, at: cuts), limits: limits)
            #expect(outcome.events.count <= bytes.count)
            outcomes[outcome.error?.rawValue ?? "ok", default: 0] += 1
        }
        // The mutations reach both accepted input and several distinct refusals.
        #expect(outcomes["ok", default: 0] > 0)
        #expect(outcomes.count > 5, "\(outcomes)")
    }

    private func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes.append(UInt8.random(in: 0...255, using: &rng))
            return
        }
        let index = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case 1: bytes[index] = UInt8.random(in: 0...255, using: &rng)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
        case 3: bytes.remove(at: index)
        default: bytes.removeSubrange(index...)
        }
    }
}
