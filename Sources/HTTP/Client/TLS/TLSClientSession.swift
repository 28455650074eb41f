import CSSL
import Glibc

/// TLS for one outbound connection as a bytes-in, bytes-out layer: an OpenSSL `SSL` object between two
/// memory BIOs. Ciphertext from the socket goes in through `received(_:)`; ciphertext for the socket
/// comes out of `takeOutbound()`; plaintext goes in through `send(_:)` and comes back from
/// `received(_:)`. The session never touches a socket, a clock or a thread.
///
/// Verification: the peer's chain must lead to a CA of the context's trust store, and its certificate
/// must match `hostName` (a DNS name, or an IP literal matched against IP subjectAltNames). SNI carries
/// the name, except for IP literals (RFC 6066 forbids them there).
///
/// End of stream: a peer's close_notify is a clean EOF. `received(_:)` still returns the plaintext
/// that came before it, `isClosedByPeer` becomes true, later `received(_:)` calls return nothing and
/// `send(_:)` throws "TLS connection closed by peer". A fatal alert from the peer ("tlsv1 alert
/// ...") or a protocol error is thrown by `received(_:)` as a `ClientLayerError`. Every error is
/// sticky: each later call throws it again, and the connection should be closed.
///
/// Belongs to one connection on one event loop, like every `ClientStreamLayer` (not Sendable).
public final class TLSClientSession: ClientStreamLayer {
    private let ssl: OpaquePointer
    /// Ciphertext from the network that OpenSSL reads (owned by `ssl` after `SSL_set_bio`).
    private let networkIn: OpaquePointer
    /// Ciphertext OpenSSL wrote for the network (owned by `ssl` too).
    private let networkOut: OpaquePointer
    /// Plaintext sent before the handshake finished (or that a write could not take yet).
    private var pendingPlaintext: [UInt8] = []
    private var failure: ClientLayerError?
    private var handshakeDone = false

    public private(set) var isClosedByPeer = false
    public var isReady: Bool { handshakeDone && failure == nil && !isClosedByPeer }

    /// The protocol negotiated ("TLSv1.3"), once the handshake is done.
    public var negotiatedProtocol: String? {
        handshakeDone ? String(cString: SSL_get_version(ssl)) : nil
    }

    /// The protocol version number negotiated (`TLS1_3_VERSION` is 0x0304), once the handshake is done.
    public var negotiatedVersion: Int32? { handshakeDone ? SSL_version(ssl) : nil }

    public init(context: TLSClientContext, hostName: String) throws(ClientLayerError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else {
            throw ClientLayerError("TLS setup failed: \(OpenSSLErrorQueue.drain(fallback: "SSL_new failed"))")
        }
        guard let networkIn = BIO_new(BIO_s_mem()), let networkOut = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw ClientLayerError("TLS setup failed: cannot allocate memory BIOs")
        }
        // Hands both BIOs to `ssl`: SSL_free frees them.
        SSL_set_bio(ssl, networkIn, networkOut)
        SSL_set_connect_state(ssl)
        do throws(ClientLayerError) {
            try Self.setPeerName(ssl, hostName)
        } catch {
            SSL_free(ssl)
            throw error
        }
        self.ssl = ssl
        self.networkIn = networkIn
        self.networkOut = networkOut
    }

    deinit { SSL_free(ssl) }

    /// SNI and the name the certificate must match. "[::1]" (a URL's bracketed IPv6 host) counts as
    /// the IP literal "::1".
    private static func setPeerName(_ ssl: OpaquePointer, _ hostName: String) throws(ClientLayerError) {
        var name = hostName
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        guard !name.isEmpty, !name.utf8.contains(0) else {
            throw ClientLayerError("TLS setup failed: invalid host name \"\(hostName)\"")
        }
        if isIPLiteral(name) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw ClientLayerError("TLS setup failed: cannot verify against IP address \(name)")
            }
            return
        }
        // "*.example.com" matches "a.example.com" only, not "ab.example.com" through "a*.example.com".
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard SSL_set1_host(ssl, name) == 1 else {
            throw ClientLayerError("TLS setup failed: cannot verify against host name \(name)")
        }
        guard cssl_set_tlsext_host_name(ssl, name) == 1 else {
            throw ClientLayerError("TLS setup failed: \(OpenSSLErrorQueue.drain(fallback: "cannot set SNI host name \(name)"))")
        }
    }

    private static func isIPLiteral(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    // MARK: ClientStreamLayer

    public func start() throws(ClientLayerError) {
        try checkUsable()
        try continueHandshake()
    }

    public func received(_ bytes: [UInt8]) throws(ClientLayerError) -> [UInt8] {
        if let failure { throw failure }
        if isClosedByPeer { return [] }
        var offset = 0
        while offset < bytes.count {
            // BIO_write takes an Int32 length: chunks keep any buffer size from trapping the conversion.
            let length = min(bytes.count - offset, 1 << 30)
            let written = bytes.withUnsafeBytes { BIO_write(networkIn, $0.baseAddress! + offset, Int32(length)) }
            // A memory BIO grows as needed; a short write means it could not allocate.
            guard written == Int32(length) else { throw fail("TLS failed: cannot buffer received bytes") }
            offset += length
        }
        if !handshakeDone {
            try continueHandshake()
            guard handshakeDone else { return [] }
        }
        let plaintext = try readPlaintext()
        // A write that had to wait for the peer (TLS 1.2 renegotiation) may go now.
        if !isClosedByPeer { try flushPending() }
        return plaintext
    }

    public func send(_ plaintext: [UInt8]) throws(ClientLayerError) {
        try checkUsable()
        pendingPlaintext.append(contentsOf: plaintext)
        if handshakeDone { try flushPending() }
    }

    public func takeOutbound() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let pending = cssl_bio_pending(networkOut)
            if pending == 0 { break }
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: pending))
            let n = out.withUnsafeMutableBytes { BIO_read(networkOut, $0.baseAddress! + start, Int32(pending)) }
            out.removeLast(pending - Int(max(n, 0)))
            if n <= 0 { break }
        }
        return out
    }

    // MARK: OpenSSL steps

    private func checkUsable() throws(ClientLayerError) {
        if let failure { throw failure }
        if isClosedByPeer { throw ClientLayerError("TLS connection closed by peer") }
    }

    private func continueHandshake() throws(ClientLayerError) {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeDone = true
            try flushPending()
            return
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return  // the ClientHello (or the next flight) is in `networkOut`; wait for the peer
        case SSL_ERROR_ZERO_RETURN:
            throw fail("TLS handshake failed: connection closed by peer")
        default:
            throw fail(handshakeFailure())
        }
    }

    /// Verification failures read as "certificate verify failed: <X509 reason>"; anything else (a
    /// fatal alert from the peer, no shared protocol version) as "TLS handshake failed: <reasons>".
    private func handshakeFailure() -> String {
        let verify = SSL_get_verify_result(ssl)
        let queued = OpenSSLErrorQueue.drain(fallback: "unknown error")
        if verify != X509_V_OK {
            return "certificate verify failed: \(String(cString: X509_verify_cert_error_string(verify)))"
        }
        return "TLS handshake failed: \(queued)"
    }

    private func readPlaintext() throws(ClientLayerError) -> [UInt8] {
        var plaintext: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            OpenSSLErrorQueue.clear()
            let n = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                plaintext.append(contentsOf: chunk[0..<Int(n)])
                continue
            }
            switch SSL_get_error(ssl, n) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return plaintext
            case SSL_ERROR_ZERO_RETURN:
                // close_notify: a clean end of stream. The reply close_notify goes out with the
                // next `takeOutbound()`.
                isClosedByPeer = true
                _ = SSL_shutdown(ssl)
                return plaintext
            default:
                throw fail("TLS failed: \(OpenSSLErrorQueue.drain(fallback: "SSL_read failed"))")
            }
        }
    }

    private func flushPending() throws(ClientLayerError) {
        while !pendingPlaintext.isEmpty {
            OpenSSLErrorQueue.clear()
            let n = pendingPlaintext.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(min($0.count, Int(Int32.max)))) }
            if n > 0 {
                pendingPlaintext.removeFirst(Int(n))
                continue
            }
            switch SSL_get_error(ssl, n) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return  // retried with the same bytes after the next `received(_:)`
            default:
                throw fail("TLS failed: \(OpenSSLErrorQueue.drain(fallback: "SSL_write failed"))")
            }
        }
    }

    private func fail(_ message: String) -> ClientLayerError {
        let error = ClientLayerError(message)
        failure = error
        return error
    }
}
