import Foundation

/// Where a connection goes: scheme, host and port. Connections are pooled per origin.
public struct HTTPOrigin: Hashable, Sendable, CustomStringConvertible {
    /// "http" or "https".
    public let scheme: String
    public let host: String
    public let port: Int

    public init(scheme: String, host: String, port: Int? = nil) throws(HTTPClientError) {
        let scheme = scheme.lowercased()
        guard scheme == "http" || scheme == "https" else { throw .invalidURL("unsupported scheme \(scheme)") }
        var host = host
        // An IPv6 literal arrives bracketed from URLs; getaddrinfo wants it bare.
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") }) else {
            throw .invalidURL("invalid host \"\(host)\"")
        }
        let port = port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else { throw .invalidURL("port \(port) is out of range") }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// The origin of an absolute http(s) URL (its path and query are the request's business).
    public init(url: URL) throws(HTTPClientError) {
        guard let scheme = url.scheme else { throw .invalidURL("\(url.absoluteString): no scheme") }
        guard let host = url.host, !host.isEmpty else { throw .invalidURL("\(url.absoluteString): no host") }
        try self.init(scheme: scheme, host: host, port: url.port)
    }

    var isTLS: Bool { scheme == "https" }

    /// The Host header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        let defaultPort = isTLS ? 443 : 80
        return port == defaultPort ? name : "\(name):\(port)"
    }

    public var description: String { "\(scheme)://\(hostHeader)" }
}
