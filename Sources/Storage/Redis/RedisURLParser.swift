/// Parses Redis URLs by hand so every malformed part gets its own clear message (Foundation's URL
/// accepts too much and says too little).
enum RedisURLParser {
    /// The pieces of a URL before they become a configuration.
    struct Parts: Equatable {
        var host: String
        var port: Int
        var user: String?
        var password: String?
        var database: Int
    }

    static func parse(_ url: String) throws(RedisError) -> Parts {
        func fail(_ why: String) -> RedisError { RedisError(.invalidURL, "invalid Redis URL: \(why)") }
        let scheme = "redis://"
        guard url.lowercased().hasPrefix(scheme) else { throw fail("must start with redis://") }
        var rest = Substring(url.dropFirst(scheme.count))
        if rest.contains("?") || rest.contains("#") { throw fail("query and fragment are not supported") }

        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let db = Int(path), db >= 0, db < 1 << 16 else { throw fail("database must be a number >= 0") }
                database = db
            }
        }

        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = try decode(credentials[..<colon], fail)
                user = name.isEmpty ? nil : name
                password = try decode(credentials[credentials.index(after: colon)...], fail)
            } else {
                // `redis://secret@host`: a lone credential is the password, as redis-cli reads it.
                password = try decode(credentials, fail)
            }
            if password?.isEmpty == true { throw fail("empty password") }
        }

        var host: Substring
        var port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after IPv6 address") }
                port = try parsePort(after.dropFirst(), fail)
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = try parsePort(rest[rest.index(after: colon)...], fail)
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw fail("missing host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw fail("host contains invalid characters")
        }
        return Parts(host: String(host), port: port, user: user, password: password, database: database)
    }

    private static func parsePort(_ text: Substring, _ fail: (String) -> RedisError) throws(RedisError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw fail("port must be 1...65535") }
        return port
    }

    /// Percent-decoding, so passwords may contain `@`, `:` or `/`.
    private static func decode(_ text: Substring, _ fail: (String) -> RedisError) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else {
                throw fail("bad percent-encoding in credentials")
            }
            bytes.append(high << 4 | low)
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw fail("credentials are not UTF-8") }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
