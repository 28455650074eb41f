/// Encodes commands as RESP arrays of bulk strings straight into an output buffer, without
/// intermediate allocations (this sits on the hot path of every command).
enum RedisCommandEncoder {
    /// Appends `*<count>\r\n` then the command name and each argument as bulk strings.
    static func append(_ command: String, _ arguments: [any RedisArgumentConvertible], to buffer: inout [UInt8]) {
        appendHeader(UInt8(ascii: "*"), Int64(arguments.count + 1), to: &buffer)
        command.appendRedisBulkString(to: &buffer)
        for argument in arguments { argument.appendRedisBulkString(to: &buffer) }
    }

    /// Appends an already split command (name first).
    static func append(_ parts: [String], to buffer: inout [UInt8]) {
        appendHeader(UInt8(ascii: "*"), Int64(parts.count), to: &buffer)
        for part in parts { part.appendRedisBulkString(to: &buffer) }
    }

    static func appendBulk(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        appendHeader(UInt8(ascii: "$"), Int64(bytes.count), to: &buffer)
        buffer.append(contentsOf: bytes)
        buffer.append(13)
        buffer.append(10)
    }

    static func appendBulkInteger(_ value: Int64, to buffer: inout [UInt8]) {
        let length = decimalLength(value)
        appendHeader(UInt8(ascii: "$"), Int64(length), to: &buffer)
        appendDecimal(value, to: &buffer)
        buffer.append(13)
        buffer.append(10)
    }

    /// `<marker><decimal>\r\n`.
    @inline(__always)
    static func appendHeader(_ marker: UInt8, _ value: Int64, to buffer: inout [UInt8]) {
        buffer.append(marker)
        appendDecimal(value, to: &buffer)
        buffer.append(13)
        buffer.append(10)
    }

    /// Appends the decimal digits of `value` byte by byte: no temporary string or array.
    @inline(__always)
    static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value >= 0 && value < 10 {
            buffer.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            buffer.append(UInt8(truncatingIfNeeded: (magnitude / divisor) % 10) &+ 48)
            divisor /= 10
        }
    }

    /// Number of bytes `appendDecimal` writes for `value`.
    static func decimalLength(_ value: Int64) -> Int {
        var magnitude = value.magnitude
        var length = value < 0 ? 2 : 1
        while magnitude >= 10 {
            magnitude /= 10
            length += 1
        }
        return length
    }
}
