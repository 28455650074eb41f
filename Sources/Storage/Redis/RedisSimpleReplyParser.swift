/// Parses the simple RESP2 replies that make up most pipelined traffic (integers, status lines,
/// errors, nulls and short bulk strings) straight from the bytes read, so that they skip
/// hiredis's copy of the input and its allocation of a `redisReply` per reply.
///
/// Stateless on purpose: it only takes a reply that is complete, well formed and simple at the
/// start of the input. Anything else (arrays, incomplete or malformed input, long strings) is
/// left to hiredis's reader, which then sees exactly the bytes it would have seen without this
/// parser, so errors and partial replies keep hiredis's behaviour. Pure: no I/O, no state.
enum RedisSimpleReplyParser {
    /// Longest status, error or bulk string taken here; longer ones are rare and go to hiredis.
    static let maxLength = 4096
    /// Int64's longest decimal form has 19 digits.
    private static let maxDigits = 19

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// The complete simple reply at the start of `bytes` and how many bytes it took, or nil to
    /// leave the input to hiredis.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> (reply: RedisReply, length: Int)? {
        guard bytes.count >= 3 else { return nil }
        switch bytes[0] {
        case UInt8(ascii: ":"):
            guard let (value, end) = integer(bytes, from: 1) else { return nil }
            return (.integer(value), end)
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let end = lineEnd(bytes, from: 1) else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[1..<end]), as: UTF8.self)
            return (bytes[0] == UInt8(ascii: "+") ? .status(text) : .error(text), end + 2)
        case UInt8(ascii: "$"):
            return bulkString(bytes)
        default:
            return nil
        }
    }

    /// `$<length>\r\n<bytes>\r\n` or `$-1\r\n`.
    private static func bulkString(_ bytes: UnsafeRawBufferPointer) -> (reply: RedisReply, length: Int)? {
        guard let (length, start) = integer(bytes, from: 1) else { return nil }
        if length == -1 { return (.null, start) }
        // Bounds first (length came from the wire), then the arithmetic cannot overflow.
        guard length >= 0, length <= maxLength else { return nil }
        let end = start + Int(length)
        guard end + 2 <= bytes.count, bytes[end] == cr, bytes[end + 1] == lf else { return nil }
        return (.bulkString(Array(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))), end + 2)
    }

    /// `-?[0-9]{1,19}\r\n` in canonical form from `start`: the value and the index after the line end.
    private static func integer(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (Int64, Int)? {
        var index = start
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let firstDigit = index
        var value: Int64 = 0
        while index < bytes.count, index - firstDigit <= maxDigits {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let shifted = value.multipliedReportingOverflow(by: 10)
            let next = negative ? shifted.partialValue.subtractingReportingOverflow(digit)
                                : shifted.partialValue.addingReportingOverflow(digit)
            guard !shifted.overflow, !next.overflow else { return nil }
            value = next.partialValue
            index += 1
        }
        let digits = index - firstDigit
        guard digits > 0, digits <= maxDigits, index + 1 < bytes.count,
              bytes[index] == cr, bytes[index + 1] == lf else { return nil }
        // hiredis refuses leading zeros and "-0" (its canonical integer check): leave them to it.
        guard bytes[firstDigit] != UInt8(ascii: "0") || (digits == 1 && !negative) else { return nil }
        return (value, index + 2)
    }

    /// The index of the `\r` of the first `\r\n` from `start`, within `maxLength` bytes; nil if
    /// a `\r` is followed by anything else (hiredis decides about such lines) or none is there.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let limit = min(bytes.count - 1, start + maxLength)
        var index = start
        while index < limit {
            if bytes[index] == cr { return bytes[index + 1] == lf ? index : nil }
            index += 1
        }
        return nil
    }
}
