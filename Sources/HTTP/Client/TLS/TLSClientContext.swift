import CSSL
import Glibc

/// The TLS configuration every outbound `https` connection shares: one OpenSSL `SSL_CTX` with TLS 1.2
/// as the lowest version, peer verification on, and the trust store (Debian's system CAs, or one CA
/// file such as a test CA or `COORD_TLS_CA_FILE`). Each connection gets its own `TLSClientSession`.
///
/// `@unchecked Sendable`: the only state is the `SSL_CTX`, fully configured in `init` and never
/// changed afterwards. OpenSSL documents an `SSL_CTX` as safe to use from several threads at once
/// for creating `SSL` objects once its configuration is done (it locks its own shared parts: the
/// reference count, the session cache, the X509 store), so sessions on different event loops may
/// share it. No method here mutates it.
public final class TLSClientContext: ClientTLSProvider, @unchecked Sendable {
    let context: OpaquePointer

    /// `caFile`: a PEM file of trusted CA certificates that replaces the system store; nil trusts the
    /// system store (`/etc/ssl/certs`). Throws when the file cannot be read or holds no certificate.
    public init(caFile: String? = nil) throws(ClientLayerError) {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw ClientLayerError("TLS setup failed: \(OpenSSLErrorQueue.drain(fallback: "SSL_CTX_new failed"))")
        }
        // Configured before it is stored, so a failure frees it here and `deinit` never sees a
        // half-made object.
        do throws(ClientLayerError) {
            try Self.configure(context, caFile: caFile)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
    }

    private static func configure(_ context: OpaquePointer, caFile: String?) throws(ClientLayerError) {
        guard cssl_ctx_set_min_proto_version(context, CSSL_TLS1_2_VERSION) == 1 else {
            throw ClientLayerError("TLS setup failed: \(OpenSSLErrorQueue.drain(fallback: "cannot set TLS 1.2 as the minimum version"))")
        }
        _ = cssl_ctx_set_mode(context, CSSL_MODE_ACCEPT_MOVING_WRITE_BUFFER)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile {
            // Checked first so that the error names the file and the system's reason ("No such file or
            // directory", "Permission denied"), which OpenSSL's own message does not.
            guard let file = fopen(caFile, "r") else {
                let reason = String(cString: strerror(errno))
                throw ClientLayerError("cannot read TLS CA file \(caFile): \(reason)")
            }
            fclose(file)
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw ClientLayerError("cannot load TLS CA file \(caFile): \(OpenSSLErrorQueue.drain(fallback: "no certificate found"))")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw ClientLayerError("cannot load the system CA store: \(OpenSSLErrorQueue.drain(fallback: "SSL_CTX_set_default_verify_paths failed"))")
            }
        }
    }

    deinit { SSL_CTX_free(context) }

    public func makeLayer(hostName: String) throws(ClientLayerError) -> any ClientStreamLayer {
        try TLSClientSession(context: self, hostName: hostName)
    }
}
