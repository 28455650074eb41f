/// Extracts the token from an `Authorization` header value (RFC 6750 section 2.1).
public enum BearerToken {
    /// The token of `Bearer <token>` (scheme in any case). Throws `missingToken` when the header is
    /// absent, empty, or uses another scheme, and `malformed` when the token part is empty or spaced.
    ///
    /// Read as UTF-8 bytes, not `Character`s: grapheme breaking cost a few microseconds on every
    /// authenticated request, and every byte that matters here (scheme, space, tab, comma) is ASCII.
    /// (A space followed by a combining mark is one `Character`, which the old check let through;
    /// here it is a space, and refused.)
    public static func parse(_ headerValue: String?) throws(AuthError) -> String {
        guard let headerValue else { throw AuthError(.missingToken, "missing bearer token") }
        let utf8 = headerValue.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = utf8.startIndex
        while start < utf8.endIndex, isBlank(utf8[start]) { start = utf8.index(after: start) }
        let scheme = Array("bearer".utf8)
        var cursor = start
        for expected in scheme {
            // ASCII lower-casing: `| 0x20` maps A-Z onto a-z and leaves a-z as they are.
            guard cursor < utf8.endIndex, utf8[cursor] | 0x20 == expected else {
                throw AuthError(.missingToken, "missing bearer token")
            }
            cursor = utf8.index(after: cursor)
        }
        guard cursor < utf8.endIndex, isBlank(utf8[cursor]) else { throw AuthError(.missingToken, "missing bearer token") }
        while cursor < utf8.endIndex, isBlank(utf8[cursor]) { cursor = utf8.index(after: cursor) }
        var end = utf8.endIndex
        while end > cursor, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        let token = utf8[cursor..<end]
        guard !token.isEmpty, !token.contains(where: { isBlank($0) || $0 == UInt8(ascii: ",") }) else {
            throw AuthError(.malformed, "bearer token is empty or contains spaces")
        }
        return String(Substring(token))
    }
}
