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
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for "-9223372036854775808"
        let count = withUnsafeMutableBytes(of: &digits) { raw in writeDecimal(value, into: raw) }
        withUnsafeBytes(of: &digits) { raw in
            appendBulk(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: count),
                       to: &buffer)
        }
    }

    /// `<marker><decimal>\r\n`.
    static func appendHeader(_ marker: UInt8, _ value: Int64, to buffer: inout [UInt8]) {
        buffer.append(marker)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { raw in writeDecimal(value, into: raw) }
        withUnsafeBytes(of: &digits) { raw in buffer.append(contentsOf: raw.prefix(count)) }
        buffer.append(13)
        buffer.append(10)
    }

    /// Writes the decimal form of `value` at the start of `raw` (24 bytes); returns its length.
    private static func writeDecimal(_ value: Int64, into raw: UnsafeMutableRawBufferPointer) -> Int {
        var magnitude = value.magnitude
        var end = raw.count
        repeat {
            end -= 1
            raw[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if value < 0 {
            end -= 1
            raw[end] = UInt8(ascii: "-")
        }
        let count = raw.count - end
        if end > 0 {
            for index in 0..<count { raw[index] = raw[end + index] }
        }
        return count
    }
}
