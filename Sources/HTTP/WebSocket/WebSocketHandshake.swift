import Cryptography

/// Validates an HTTP upgrade request and computes the 101 answer (RFC 6455 section 4.2). It takes
/// plain values so it does not depend on the HTTP server's request type.
public enum WebSocketHandshake {
    /// The GUID RFC 6455 appends to the client's key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// What to answer an accepted upgrade with: status 101 and these headers.
    public struct Accepted: Sendable, Equatable {
        public let acceptValue: String
        /// The `Origin` header, if the client sent one (for logs and the hook's decision).
        public let origin: String?

        public var status: Int { 101 }

        public var headers: [(name: String, value: String)] {
            [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", acceptValue)]
        }
    }

    /// Checks `method`, `httpVersion` (as "HTTP/1.1") and `headers` (names in any case, repeated
    /// names allowed) of an upgrade request. `isOriginAllowed` receives the `Origin` header (nil for
    /// non-browser clients) and refuses with 403 when it returns false. A thrown error carries the
    /// HTTP status and headers to answer with (`httpStatus`, `responseHeaders`).
    public static func validate(
        method: String,
        httpVersion: String,
        headers: [(name: String, value: String)],
        isOriginAllowed: (String?) -> Bool = { _ in true }
    ) throws(WebSocketError) -> Accepted {
        guard method == "GET" else {
            throw WebSocketError(.handshakeMethodNotAllowed, "WebSocket upgrade requires GET")
        }
        guard httpVersion == "HTTP/1.1" else {
            throw WebSocketError(.handshakeHTTPVersion, "WebSocket upgrade requires HTTP/1.1")
        }
        let fields = HeaderLookup(headers)
        guard fields.tokens("upgrade").contains("websocket") else {
            throw WebSocketError(.handshakeMissingUpgrade, "missing 'Upgrade: websocket'")
        }
        guard fields.tokens("connection").contains("upgrade") else {
            throw WebSocketError(.handshakeMissingConnectionUpgrade, "missing 'Connection: Upgrade'")
        }
        guard fields.values("sec-websocket-version") == ["13"] else {
            throw WebSocketError(.handshakeUnsupportedVersion, "only WebSocket version 13 is supported")
        }
        let keys = fields.values("sec-websocket-key")
        guard keys.count == 1, let key = keys.first, Base64.decode(key)?.count == 16 else {
            throw WebSocketError(.handshakeInvalidKey, "Sec-WebSocket-Key must be base64 of 16 bytes")
        }
        let origins = fields.values("origin")
        guard origins.count <= 1, isOriginAllowed(origins.first) else {
            throw WebSocketError(.handshakeOriginNotAllowed, "origin not allowed")
        }
        guard let accept = acceptValue(forKey: key) else {
            throw WebSocketError(.handshakeInvalidKey, "could not compute Sec-WebSocket-Accept")
        }
        return Accepted(acceptValue: accept, origin: origins.first)
    }

    /// base64(SHA-1(key + GUID)); nil only if libcrypto fails.
    public static func acceptValue(forKey key: String) -> String? {
        guard let digest = try? Digest.sha1((key + guid).utf8) else { return nil }
        return Base64.encode(digest)
    }
}

/// Case-insensitive header access with comma-list splitting, for the handshake checks only.
private struct HeaderLookup {
    let headers: [(name: String, value: String)]

    init(_ headers: [(name: String, value: String)]) { self.headers = headers }

    /// Every value of `name` (lowercase), trimmed of optional whitespace.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name }.map { Self.trim($0.value) }
    }

    /// Every comma-separated token of `name`, lowercased.
    func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",").map { Self.trim(String($0)).lowercased() } }
    }

    private static func trim(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
