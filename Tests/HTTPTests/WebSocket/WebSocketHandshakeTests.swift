import Testing
@testable import HTTP

@Suite struct WebSocketHandshakeTests {
    static let rfcKey = "dGhlIHNhbXBsZSBub25jZQ=="

    static func headers(
        upgrade: String? = "websocket", connection: String? = "Upgrade", version: String? = "13",
        key: String? = rfcKey, extra: [(name: String, value: String)] = []
    ) -> [(name: String, value: String)] {
        var list: [(name: String, value: String)] = [("Host", "server.example.com")]
        if let upgrade { list.append(("Upgrade", upgrade)) }
        if let connection { list.append(("Connection", connection)) }
        if let version { list.append(("Sec-WebSocket-Version", version)) }
        if let key { list.append(("Sec-WebSocket-Key", key)) }
        return list + extra
    }

    @Test func rfcExampleKey() throws {
        #expect(WebSocketHandshake.acceptValue(forKey: Self.rfcKey) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let accepted = try WebSocketHandshake.validate(method: "GET", httpVersion: "HTTP/1.1", headers: Self.headers())
        #expect(accepted.status == 101)
        #expect(accepted.headers.map { "\($0.name): \($0.value)" } == [
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ])
        #expect(accepted.origin == nil)
    }

    @Test func headerNamesAndTokensAreCaseInsensitive() throws {
        let headers: [(name: String, value: String)] = [
            ("upgrade", "WebSocket"), ("CONNECTION", "keep-alive, Upgrade"), ("connection", "foo"),
            ("sec-websocket-version", " 13 "), ("SEC-WEBSOCKET-KEY", Self.rfcKey), ("Origin", "https://dash.example"),
        ]
        let accepted = try WebSocketHandshake.validate(method: "GET", httpVersion: "HTTP/1.1", headers: headers) {
            $0 == "https://dash.example"
        }
        #expect(accepted.acceptValue == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(accepted.origin == "https://dash.example")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        var method = "GET"
        var version = "HTTP/1.1"
        let headers: [(name: String, value: String)]
        let error: WebSocketError.Code
        let status: Int
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "POST", method: "POST", headers: headers(), error: .handshakeMethodNotAllowed, status: 405),
        Refusal(name: "HTTP/1.0", version: "HTTP/1.0", headers: headers(), error: .handshakeHTTPVersion, status: 400),
        Refusal(name: "no Upgrade", headers: headers(upgrade: nil), error: .handshakeMissingUpgrade, status: 400),
        Refusal(name: "Upgrade: h2c", headers: headers(upgrade: "h2c"), error: .handshakeMissingUpgrade, status: 400),
        Refusal(name: "no Connection", headers: headers(connection: nil), error: .handshakeMissingConnectionUpgrade, status: 400),
        Refusal(name: "Connection: keep-alive", headers: headers(connection: "keep-alive"),
                error: .handshakeMissingConnectionUpgrade, status: 400),
        Refusal(name: "Connection: upgraded (not the token)", headers: headers(connection: "upgraded"),
                error: .handshakeMissingConnectionUpgrade, status: 400),
        Refusal(name: "version 8", headers: headers(version: "8"), error: .handshakeUnsupportedVersion, status: 426),
        Refusal(name: "no version", headers: headers(version: nil), error: .handshakeUnsupportedVersion, status: 426),
        Refusal(name: "no key", headers: headers(key: nil), error: .handshakeInvalidKey, status: 400),
        Refusal(name: "key of 15 bytes", headers: headers(key: "AAAAAAAAAAAAAAAAAAAA"), error: .handshakeInvalidKey, status: 400),
        Refusal(name: "key not base64", headers: headers(key: "not base64 at all!!!!==="), error: .handshakeInvalidKey, status: 400),
        Refusal(name: "two keys", headers: headers(extra: [("Sec-WebSocket-Key", rfcKey)]), error: .handshakeInvalidKey, status: 400),
        Refusal(name: "origin refused", headers: headers(extra: [("Origin", "https://evil.example")]),
                error: .handshakeOriginNotAllowed, status: 403),
    ]

    @Test(arguments: refusals)
    func refuses(_ refusal: Refusal) {
        do {
            _ = try WebSocketHandshake.validate(method: refusal.method, httpVersion: refusal.version, headers: refusal.headers) {
                $0 != "https://evil.example"
            }
            Issue.record("accepted \(refusal.name)")
        } catch {
            #expect(error.code == refusal.error)
            #expect(error.httpStatus == refusal.status)
            if refusal.status == 426 {
                #expect(error.responseHeaders.map { "\($0.name): \($0.value)" } == ["Sec-WebSocket-Version: 13"])
            }
        }
    }
}
