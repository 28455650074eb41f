import Foundation

/// A value that can travel as one RESP bulk-string argument; lets `send` take strings, bytes and numbers.
public protocol RedisArgumentConvertible: Sendable {
    /// Appends this value as a RESP bulk string (`$<len>\r\n<bytes>\r\n`).
    func appendRedisBulkString(to buffer: inout [UInt8])
}

extension String: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        var copy = self
        copy.withUTF8 { RedisCommandEncoder.appendBulk($0, to: &buffer) }
    }
}

extension Substring: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        String(self).appendRedisBulkString(to: &buffer)
    }
}

extension Array: RedisArgumentConvertible where Element == UInt8 {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        withUnsafeBufferPointer { RedisCommandEncoder.appendBulk($0, to: &buffer) }
    }
}

extension Data: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        withUnsafeBytes { RedisCommandEncoder.appendBulk($0.bindMemory(to: UInt8.self), to: &buffer) }
    }
}

extension Int: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        RedisCommandEncoder.appendBulkInteger(Int64(self), to: &buffer)
    }
}

extension Int64: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        RedisCommandEncoder.appendBulkInteger(self, to: &buffer)
    }
}

extension Double: RedisArgumentConvertible {
    public func appendRedisBulkString(to buffer: inout [UInt8]) {
        // Redis parses this with strtold; Swift's shortest round-trip form is accepted.
        description.appendRedisBulkString(to: &buffer)
    }
}
