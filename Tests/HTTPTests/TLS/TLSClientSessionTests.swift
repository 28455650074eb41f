import Foundation
import Testing
@testable import HTTP

/// The TLS layer against a real TLS endpoint (`openssl s_server`) with certificates made by the
/// `openssl` CLI: a verified handshake and a request, then each verification failure in words.
@Suite struct TLSClientSessionTests {
    private static let request = "GET / HTTP/1.0\r\n\r\n"

    /// Starts s_server with `certificate`, connects with a session for `hostName`, runs the handshake
    /// and `body`; the server is killed whatever happens.
    private func withServer<T>(certificate: String, key: String, serverArguments: [String] = [],
                               context: TLSClientContext, hostName: String,
                               _ body: (BlockingTLSExchange) throws -> T) throws -> T {
        let server = try OpenSSLTestServer(certificate: certificate, key: key, extraArguments: serverArguments)
        defer { server.stop() }
        let session = try TLSClientSession(context: context, hostName: hostName)
        let exchange = try BlockingTLSExchange(port: server.port, session: session)
        defer { exchange.close() }
        return try body(exchange)
    }

    /// The handshake's error, which must be a `ClientLayerError`.
    private func handshakeError(certificate: String, key: String, caFile: String?, hostName: String) throws -> ClientLayerError? {
        let context = try TLSClientContext(caFile: caFile)
        return try withServer(certificate: certificate, key: key, context: context, hostName: hostName) { exchange in
            #expect(throws: ClientLayerError.self) { try exchange.handshake() } as ClientLayerError?
        }
    }

    @Test func verifiedHandshakeThenRequestAndResponse() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey, context: context, hostName: "localhost") { exchange in
            try exchange.handshake()
            #expect(exchange.session.isReady)
            #expect((exchange.session.negotiatedVersion ?? 0) >= 0x0303)  // TLS1_2_VERSION
            #expect(exchange.session.negotiatedProtocol == "TLSv1.3")
            let response = try exchange.roundTrip(Self.request)
            #expect(response.hasPrefix("HTTP/1.0 200 ok\r\n"))
            #expect(response.contains("TLSv1.3"))
        }
    }

    @Test func requestSentBeforeTheHandshakeIsQueuedUntilItFinishes() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey, context: context, hostName: "localhost") { exchange in
            try exchange.session.send(Array(Self.request.utf8))  // not ready: kept, nothing encrypted yet
            try exchange.handshake()
            let response = try exchange.roundTrip("")
            #expect(response.hasPrefix("HTTP/1.0 200 ok\r\n"))
            #expect(exchange.session.isClosedByPeer)
            #expect(throws: ClientLayerError("TLS connection closed by peer")) { try exchange.session.send([1]) }
        }
    }

    @Test func ipLiteralIsVerifiedAgainstTheIPSubjectAltName() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey, context: context, hostName: "127.0.0.1") { exchange in
            try exchange.handshake()
            #expect(try exchange.roundTrip(Self.request).hasPrefix("HTTP/1.0 200 ok\r\n"))
        }
        let wrongIP = try handshakeError(certificate: pki.serverCertificate, key: pki.serverKey, caFile: pki.caCertificate, hostName: "127.0.0.2")
        #expect(wrongIP?.message == "certificate verify failed: IP address mismatch")
    }

    @Test func tls12ServerIsAccepted() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey, serverArguments: ["-tls1_2"],
                       context: context, hostName: "localhost") { exchange in
            try exchange.handshake()
            #expect(exchange.session.negotiatedProtocol == "TLSv1.2")
            #expect(try exchange.roundTrip(Self.request).hasPrefix("HTTP/1.0 200 ok\r\n"))
        }
    }

    @Test func wrongHostNameFailsWithHostnameMismatch() throws {
        let pki = try TLSTestCertificates.get()
        let error = try handshakeError(certificate: pki.serverCertificate, key: pki.serverKey, caFile: pki.caCertificate, hostName: "wrong.example")
        #expect(error?.message == "certificate verify failed: hostname mismatch")
    }

    @Test func expiredCertificateFails() throws {
        let pki = try TLSTestCertificates.get()
        let error = try handshakeError(certificate: pki.expiredCertificate, key: pki.serverKey, caFile: pki.caCertificate, hostName: "localhost")
        #expect(error?.message == "certificate verify failed: certificate has expired")
    }

    @Test func certificateFromACANotInTheSystemStoreFails() throws {
        let pki = try TLSTestCertificates.get()
        let error = try handshakeError(certificate: pki.serverCertificate, key: pki.serverKey, caFile: nil, hostName: "localhost")
        #expect(error?.message == "certificate verify failed: unable to get local issuer certificate")
    }

    @Test func selfSignedCertificateFails() throws {
        let pki = try TLSTestCertificates.get()
        let error = try handshakeError(certificate: pki.selfSignedCertificate, key: pki.selfSignedKey, caFile: pki.caCertificate, hostName: "localhost")
        #expect(error?.message == "certificate verify failed: self-signed certificate")
    }

    @Test func errorsAreSticky() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey, context: context, hostName: "wrong.example") { exchange in
            #expect(throws: ClientLayerError.self) { try exchange.handshake() }
            let expected = ClientLayerError("certificate verify failed: hostname mismatch")
            #expect(throws: expected) { try exchange.session.received([0x17, 0x03, 0x03, 0x00, 0x01, 0x00]) }
            #expect(throws: expected) { try exchange.session.send([1]) }
            #expect(!exchange.session.isReady)
        }
    }

    /// A server that demands a client certificate: in TLS 1.3 our side finishes first, then the
    /// server's fatal alert arrives with the response read and must surface as an error.
    @Test func peerFatalAlertIsAnError() throws {
        let pki = try TLSTestCertificates.get()
        let context = try TLSClientContext(caFile: pki.caCertificate)
        try withServer(certificate: pki.serverCertificate, key: pki.serverKey,
                       serverArguments: ["-Verify", "1", "-CAfile", pki.caCertificate],
                       context: context, hostName: "localhost") { exchange in
            let error = #expect(throws: ClientLayerError.self) {
                try exchange.handshake()
                _ = try exchange.roundTrip(Self.request)
            }
            #expect(error?.message.contains("alert certificate required") == true, "\(String(describing: error))")
        }
    }

    @Test func unreadableCAFileIsAClearInitError() {
        #expect(throws: ClientLayerError("cannot read TLS CA file /nonexistent/ca.pem: No such file or directory")) {
            try TLSClientContext(caFile: "/nonexistent/ca.pem")
        }
        let empty = NSTemporaryDirectory() + "tls-empty-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pem"
        _ = FileManager.default.createFile(atPath: empty, contents: Data("not a certificate\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let error = #expect(throws: ClientLayerError.self) { try TLSClientContext(caFile: empty) }
        #expect(error?.message.hasPrefix("cannot load TLS CA file \(empty): ") == true)
    }

    @Test func startQueuesAClientHelloWithoutASocket() throws {
        let session = try TLSClientContext().makeLayer(hostName: "example.com")
        #expect(!session.isReady)
        try session.start()
        let hello = session.takeOutbound()
        #expect(hello.count > 100)
        #expect(hello.first == 0x16)  // a TLS handshake record
        #expect(session.takeOutbound().isEmpty)
        #expect(try session.received([]) == [])
    }
}
