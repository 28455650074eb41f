/// Extracts the token from an `Authorization` header value (RFC 6750 section 2.1).
public enum BearerToken {
    /// The token of `Bearer <token>` (scheme in any case). Throws `missingToken` when the header is
    /// absent, empty, or uses another scheme, and `malformed` when the token part is empty or spaced.
    public static func parse(_ headerValue: String?) throws(AuthError) -> String {
        guard let headerValue else { throw AuthError(.missingToken, "missing bearer token") }
        let trimmed = headerValue.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "bearer",
              let separator = trimmed.dropFirst(6).first, separator == " " || separator == "\t"
        else {
            throw AuthError(.missingToken, "missing bearer token")
        }
        var token = trimmed.dropFirst(7).drop { $0 == " " || $0 == "\t" }
        while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
        guard !token.isEmpty, !token.contains(where: { $0 == " " || $0 == "\t" || $0 == "," }) else {
            throw AuthError(.malformed, "bearer token is empty or contains spaces")
        }
        return String(token)
    }
}
