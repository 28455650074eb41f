import Foundation

/// A Swift type a result column can be decoded into; the column's type OID decides what is accepted,
/// so a mismatch is a clear error instead of a silently wrong value.
public protocol PostgresDecodable {
    static func decode(from cell: PostgresCell) throws(PostgresError) -> Self
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Wrapped? {
        cell.bytes == nil ? nil : try Wrapped.decode(from: cell)
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Bool {
        let bytes = try cell.nonNull(Bool.self)
        guard cell.column.oid == PostgresOID.bool else { throw cell.mismatch(Bool.self) }
        return bytes == [UInt8(ascii: "t")]
    }
}

extension Int64: PostgresDecodable {
    /// Accepts every integer type, and `numeric` holding an integer (e.g. `sum(bigint)`).
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int64 {
        let bytes = try cell.nonNull(Int64.self)
        guard PostgresOID.integers.contains(cell.column.oid) || cell.column.oid == PostgresOID.numeric else {
            throw cell.mismatch(Int64.self)
        }
        guard let value = Int64(String(decoding: bytes, as: UTF8.self)) else {
            throw .decoding("column '\(cell.column.name)' does not fit in Int64")
        }
        return value
    }
}

extension Int: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int {
        Int(try Int64.decode(from: cell))
    }
}

extension Int32: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int32 {
        guard let value = Int32(exactly: try Int64.decode(from: cell)) else {
            throw .decoding("column '\(cell.column.name)' does not fit in Int32")
        }
        return value
    }
}

extension Int16: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int16 {
        guard let value = Int16(exactly: try Int64.decode(from: cell)) else {
            throw .decoding("column '\(cell.column.name)' does not fit in Int16")
        }
        return value
    }
}

extension Double: PostgresDecodable {
    /// Accepts float4/float8, numeric and integers (analysts' ratios and averages).
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Double {
        let bytes = try cell.nonNull(Double.self)
        let oid = cell.column.oid
        guard oid == PostgresOID.float8 || oid == PostgresOID.float4 || oid == PostgresOID.numeric
            || PostgresOID.integers.contains(oid)
        else { throw cell.mismatch(Double.self) }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)) else {
            throw .decoding("column '\(cell.column.name)' is not a number")
        }
        return value
    }
}

extension String: PostgresDecodable {
    /// Accepts text-like types, JSON included (its raw text).
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> String {
        let bytes = try cell.nonNull(String.self)
        guard PostgresOID.textual.contains(cell.column.oid) else { throw cell.mismatch(String.self) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// `bytea` contents, or the raw UTF-8 text of a `json`/`jsonb` column.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> [UInt8] {
        let bytes = try cell.nonNull([UInt8].self)
        switch cell.column.oid {
        case PostgresOID.bytea: return try PostgresHex.decodeBytea(bytes, column: cell.column.name)
        case PostgresOID.json, PostgresOID.jsonb: return bytes
        default: throw cell.mismatch([UInt8].self)
        }
    }
}

extension Data: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Data {
        Data(try [UInt8].decode(from: cell))
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> UUID {
        let bytes = try cell.nonNull(UUID.self)
        guard cell.column.oid == PostgresOID.uuid else { throw cell.mismatch(UUID.self) }
        guard let value = UUID(uuidString: String(decoding: bytes, as: UTF8.self)) else {
            throw .decoding("column '\(cell.column.name)' is not a UUID")
        }
        return value
    }
}

extension Date: PostgresDecodable {
    /// Accepts timestamptz, timestamp (read as UTC) and date (midnight UTC), to the microsecond.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Date {
        let bytes = try cell.nonNull(Date.self)
        let oid = cell.column.oid
        guard oid == PostgresOID.timestamptz || oid == PostgresOID.timestamp || oid == PostgresOID.date else {
            throw cell.mismatch(Date.self)
        }
        guard let value = PostgresTimestamp.parse(String(decoding: bytes, as: UTF8.self)) else {
            throw .decoding("column '\(cell.column.name)' is not a timestamp in the supported range")
        }
        return value
    }
}

/// Decodes PostgreSQL's `bytea` hex text output (`\x0001ff`).
enum PostgresHex {
    static func decodeBytea(_ text: [UInt8], column: String) throws(PostgresError) -> [UInt8] {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            throw .decoding("column '\(column)' is not bytea hex output")
        }
        var result: [UInt8] = []
        result.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else {
                throw .decoding("column '\(column)' has a bad hex digit")
            }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
