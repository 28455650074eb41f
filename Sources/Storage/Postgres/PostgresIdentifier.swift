/// A validated, double-quoted SQL identifier (table or column name), the only way names that are not
/// literal SQL text reach a statement; values always travel as parameters.
struct PostgresIdentifier: Sendable, Hashable {
    /// The quoted form, e.g. `"public"."cost_events"`.
    let quoted: String

    /// Accepts `name` or `schema.name`, each part `[A-Za-z_][A-Za-z0-9_]*` of at most 63 bytes
    /// (PostgreSQL's NAMEDATALEN - 1). Quoting keeps the exact case given.
    init(_ text: String) throws(PostgresError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { throw .invalidArgument("bad SQL identifier '\(text)'") }
        var quotedParts: [String] = []
        for part in parts {
            guard Self.isValid(part) else { throw .invalidArgument("bad SQL identifier '\(text)'") }
            quotedParts.append("\"\(part)\"")
        }
        quoted = quotedParts.joined(separator: ".")
    }

    private static func isValid(_ part: Substring) -> Bool {
        let bytes = Array(part.utf8)
        guard let first = bytes.first, bytes.count <= 63, isLetterOrUnderscore(first) else { return false }
        return bytes.allSatisfy { isLetterOrUnderscore($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }
}
