/// A complete request as handlers see it: head, aggregated body (bounded by the parser) and origin.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    /// The body, at most `HTTPParserLimits.maxBodyBytes` long.
    public var body: [UInt8]
    /// The peer's address as text (`ip:port`), for logs; not an identity.
    public var remoteAddress: String?

    public init(head: HTTPRequestHead, body: [UInt8] = [], remoteAddress: String? = nil) {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Convenience for tests and internal callers.
    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.init(head: HTTPRequestHead(method: method, target: target, version: .http1_1, headers: headers), body: body)
    }

    public var method: String { head.method }
    public var target: String { head.target }
    public var headers: HTTPHeaders { head.headers }

    /// The raw (still percent-encoded) path: the target up to `?` or `#` (for an absolute-form
    /// target, `http://host/p?q`, the part after the authority).
    public var path: Substring {
        var t = head.target[...]
        if !t.hasPrefix("/"), let colon = t.firstIndex(of: ":"), t[colon...].hasPrefix("://") {
            let afterAuthority = t[t.index(colon, offsetBy: 3)...]
            t = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        if let cut = t.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            return t[t.startIndex..<cut]
        }
        return t[...]
    }

    /// The raw query string after `?`, without a fragment.
    public var queryString: Substring? {
        let t = head.target
        guard let mark = t.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let rest = t[t.index(after: mark)...]
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) { return rest[rest.startIndex..<hash] }
        return rest
    }

    /// The decoded query parameters.
    public var query: QueryParameters { QueryParameters(parsing: queryString ?? "") }
}
