import Foundation
import Testing
@testable import HTTP

/// The client with the real TLS layer (`TLSClientContext`, OpenSSL) end to end against `openssl
/// s_server -www`, with the test PKI: a verified https round trip on the pool, and each refused
/// certificate as an `HTTPClientError.tls` in words, never retried into a success.
@Suite struct HTTPClientTLSTests {
    static func withServer(certificate: String, key: String, caFile: String?,
                           _ body: (HTTPClient, Int) async throws -> Void) async throws {
        let server = try OpenSSLTestServer(certificate: certificate, key: key)
        defer { server.stop() }
        let context = try TLSClientContext(caFile: caFile)
        try await HTTPClientTests.withClient({ $0.tls = context }) { client in
            try await body(client, server.port)
        }
    }

    @Test func verifiedHTTPSRoundTripsByHostNameAndIPAddress() async throws {
        let pki = try TLSTestCertificates.get()
        try await Self.withServer(certificate: pki.serverCertificate, key: pki.serverKey, caFile: pki.caCertificate) { client, port in
            for host in ["localhost", "127.0.0.1"] {
                let origin = try HTTPOrigin(scheme: "https", host: host, port: port)
                let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: origin)
                #expect(response.status == 200)
                // s_server -www reports the session it negotiated: TLS 1.2 or 1.3, never less.
                let page = String(decoding: response.body, as: UTF8.self)
                #expect(page.contains("TLSv1.3") || page.contains("TLSv1.2"), "\(page.prefix(300))")
            }
        }
    }

    @Test(arguments: ["expired", "self-signed", "untrusted"])
    func refusedCertificatesAreTLSErrors(_ problem: String) async throws {
        let pki = try TLSTestCertificates.get()
        let certificate = switch problem {
        case "expired": pki.expiredCertificate
        case "self-signed": pki.selfSignedCertificate
        default: pki.serverCertificate
        }
        let key = problem == "self-signed" ? pki.selfSignedKey : pki.serverKey
        // "untrusted": a valid chain, but the client trusts only the self-signed certificate's store.
        let caFile = problem == "untrusted" ? pki.selfSignedCertificate : pki.caCertificate
        try await Self.withServer(certificate: certificate, key: key, caFile: caFile) { client, port in
            // (A wrong host name is TLSClientSessionTests' case: every name here resolves to the one server.)
            let origin = try HTTPOrigin(scheme: "https", host: "localhost", port: port)
            do {
                let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: origin)
                Issue.record("\(problem): answered \(response.status)")
            } catch {
                guard case HTTPClientError.tls(let message) = error else {
                    Issue.record("\(problem): \(error), not a TLS error")
                    return
                }
                #expect(!message.isEmpty)
            }
        }
    }
}
