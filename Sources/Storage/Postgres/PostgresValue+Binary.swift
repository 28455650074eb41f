import Foundation

extension PostgresValue {
    /// The parameter's type OID; NULL stays unspecified so the server infers it from context.
    var oid: UInt32 {
        switch self {
        case .null: PostgresOID.unspecified
        case .bool: PostgresOID.bool
        case .int16: PostgresOID.int2
        case .int32: PostgresOID.int4
        case .int64: PostgresOID.int8
        case .double: PostgresOID.float8
        case .text: PostgresOID.text
        case .bytea: PostgresOID.bytea
        case .uuid: PostgresOID.uuid
        case .timestamptz: PostgresOID.timestamptz
        case .jsonb: PostgresOID.jsonb
        }
    }

    /// Appends the binary wire format of the value (big-endian, as the server's `*recv` functions
    /// expect); returns false for NULL, which has no bytes.
    func appendBinary(to buffer: inout [UInt8]) -> Bool {
        switch self {
        case .null:
            return false
        case .bool(let value):
            buffer.append(value ? 1 : 0)
        case .int16(let value):
            Self.appendBigEndian(value, to: &buffer)
        case .int32(let value):
            Self.appendBigEndian(value, to: &buffer)
        case .int64(let value):
            Self.appendBigEndian(value, to: &buffer)
        case .double(let value):
            Self.appendBigEndian(value.bitPattern, to: &buffer)
        case .text(let value):
            buffer.append(contentsOf: value.utf8)
        case .bytea(let value):
            buffer.append(contentsOf: value)
        case .uuid(let value):
            withUnsafeBytes(of: value.uuid) { buffer.append(contentsOf: $0) }
        case .timestamptz(let value):
            Self.appendBigEndian(PostgresTimestamp.microsecondsSince2000(value), to: &buffer)
        case .jsonb(let value):
            buffer.append(1)  // jsonb binary format version
            buffer.append(contentsOf: value)
        }
        return true
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }
}
