/// What sits between an outbound connection's socket and its HTTP bytes. Plain TCP passes bytes
/// through; TLS (OpenSSL through memory BIOs) encrypts and decrypts. A bytes-in, bytes-out layer, so
/// the client's I/O stays the same for both and each layer is testable without a socket.
///
/// An instance belongs to one connection and is used only on that connection's event loop (not
/// Sendable on purpose).
public protocol ClientStreamLayer: AnyObject {
    /// Called once the TCP connection is up; may queue outbound bytes (a TLS ClientHello).
    func start() throws(ClientLayerError)
    /// Bytes read from the socket; returns the plaintext they complete (possibly empty).
    func received(_ bytes: [UInt8]) throws(ClientLayerError) -> [UInt8]
    /// Plaintext the HTTP layer sends; a layer that is not ready yet keeps it until it is.
    func send(_ plaintext: [UInt8]) throws(ClientLayerError)
    /// The bytes to write to the socket now (drains the layer's output).
    func takeOutbound() -> [UInt8]
    /// True once application data can flow (plain TCP: always).
    var isReady: Bool { get }
}

/// Why a stream layer failed: a TLS handshake or verification error in words a user can act on
/// ("certificate verify failed: hostname mismatch").
public struct ClientLayerError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Makes the TLS layer for a connection to `hostName` (SNI and the name the certificate must match).
/// The client asks its configuration's provider for one per `https` connection.
public protocol ClientTLSProvider: Sendable {
    func makeLayer(hostName: String) throws(ClientLayerError) -> any ClientStreamLayer
}
