/// Validates UTF-8 fed in arbitrary pieces, so a text message split across fragments is refused at the
/// first bad byte instead of after the whole message is buffered. Implements the well-formed byte
/// sequences table of Unicode 15 section 3.9 (table 3-7): no overlongs, no surrogates, nothing past
/// U+10FFFF.
package struct UTF8StreamValidator: Sendable, Equatable {
    /// Continuation bytes still expected for the current scalar.
    private var remaining: UInt8 = 0
    /// Allowed range of the next continuation byte (narrower than 80...BF right after E0, ED, F0, F4).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    package init() {}

    /// True when no scalar is half-way: the bytes so far form complete, valid UTF-8.
    package var isAtBoundary: Bool { remaining == 0 }

    /// Consumes `bytes`; false as soon as one byte cannot continue valid UTF-8 (the validator is then
    /// spent and must not be fed again).
    package mutating func consume(_ bytes: some Collection<UInt8>) -> Bool {
        let result = bytes.withContiguousStorageIfAvailable { consumeBuffer($0) }
        if let result { return result }
        return Array(bytes).withUnsafeBufferPointer { consumeBuffer($0) }
    }

    private mutating func consumeBuffer(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            index += 1
            if remaining > 0 {
                guard byte >= lower, byte <= upper else { return false }
                remaining -= 1
                lower = 0x80
                upper = 0xBF
                continue
            }
            switch byte {
            case 0x00...0x7F:
                continue
            case 0xC2...0xDF:
                remaining = 1
            case 0xE0:
                remaining = 2
                lower = 0xA0  // below: overlong
            case 0xE1...0xEC, 0xEE...0xEF:
                remaining = 2
            case 0xED:
                remaining = 2
                upper = 0x9F  // above: UTF-16 surrogates
            case 0xF0:
                remaining = 3
                lower = 0x90  // below: overlong
            case 0xF1...0xF3:
                remaining = 3
            case 0xF4:
                remaining = 3
                upper = 0x8F  // above: past U+10FFFF
            default:
                return false  // C0, C1 (overlong), F5-FF (past U+10FFFF), stray continuation bytes
            }
        }
        return true
    }

    /// Whole-input check.
    package static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        var validator = UTF8StreamValidator()
        return validator.consume(bytes) && validator.isAtBoundary
    }
}
