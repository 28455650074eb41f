import Testing
import TestSupport
@testable import HTTP

@Suite struct UTF8StreamValidatorTests {
    static let valid: [[UInt8]] = [
        [], Array("plain ascii".utf8), Array("κόσμε".utf8),
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ]
    static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xC2], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xC2, 0x41], [0x61, 0xE2, 0x28, 0xA1],
    ]

    @Test(arguments: valid)
    func acceptsWellFormed(_ bytes: [UInt8]) {
        #expect(UTF8StreamValidator.isValid(bytes))
    }

    @Test(arguments: invalid)
    func refusesIllFormed(_ bytes: [UInt8]) {
        #expect(!UTF8StreamValidator.isValid(bytes))
    }

    /// Differential check against the standard library's decoder, on random bytes split at random points.
    @Test func agreesWithStandardLibrary() {
        var rng = SplitMix64(seed: 0x5EED_0F_0A7F8)
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
                                 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...8, using: &rng)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            var validator = UTF8StreamValidator()
            let cut = Int.random(in: 0...length, using: &rng)
            let accepted = validator.consume(bytes[..<cut]) && validator.consume(bytes[cut...]) && validator.isAtBoundary
            #expect(accepted == expected, "\(bytes)")
        }
    }
}
