import Foundation
import Testing
import TestSupport
@testable import HTTP

/// Limits, timeouts and the connection cap: each refusal is the right status, then a closed connection.
@Suite struct HTTPServerLimitTests {
    static let refusals: [(String, Int)] = [
        ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 20_000) + "\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n", 413),
        ("GET /" + String(repeating: "u", count: 9_000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
    ]

    @Test(arguments: refusals.indices)
    func refusedWithStatusThenClosed(_ index: Int) async throws {
        let (raw, status) = Self.refusals[index]
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send(raw)
            let response = try await client.response()
            #expect(response.status == status)
            #expect(response.headers["connection"] == "close")
            Self.expectErrorContract(response)
            #expect(try await client.closedByPeer())
        }
    }

    @Test func slowlorisHeaderTimeoutAnswers408AndCloses() async throws {
        // The clock starts at accept, so leave room for a slow test machine to send the first bytes.
        try await withTestServer(router: testRouter(), configure: { $0.headerReadTimeout = .seconds(1) }) { _, port in
            let start = ContinuousClock.now
            let client = try await TestClient.open(port, sending: "GET /hello HTTP/1.1\r\nHost: t\r\n")
            try await Task.sleep(for: .milliseconds(200))
            try? await client.send("X-Drip: 1\r\n")  // may race the timeout under load; the 408 is what matters
            let response = try await client.response()
            #expect(response.status == 408)
            #expect(try await client.closedByPeer())
            #expect(ContinuousClock.now - start < .seconds(3))
        }
    }

    @Test func silentNewConnectionIsClosedAfterHeaderTimeout() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.headerReadTimeout = .milliseconds(200) }) { _, port in
            let client = try await TestClient.open(port)
            #expect(try await client.closedByPeer())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.idleTimeout = .milliseconds(250) }) { _, port in
            let client = try await TestClient.open(port)
            let start = ContinuousClock.now
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.response().status == 200)
            #expect(try await client.closedByPeer())
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(250) && waited < .seconds(3))
        }
    }

    @Test func bodyReadTimeoutAnswers408() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.bodyReadTimeout = .milliseconds(250) }) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nX-Request-Id: slow-upload-1\r\nContent-Length: 10\r\n\r\nabc")
            let response = try await client.response()
            #expect(response.status == 408)
            // The head was parsed, so the client's own id is kept.
            #expect(response.headers["x-request-id"] == "slow-upload-1")
            Self.expectErrorContract(response, code: "request_timeout")
            #expect(try await client.closedByPeer())
        }
    }

    @Test func connectionCapRefusesExtraConnections() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.maxConnections = 2 }) { server, port in
            let first = try await TestClient.open(port)
            let second = try await TestClient.open(port)
            for client in [first, second] {
                try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.response().status == 200)
            }
            #expect(server.openConnections == 2)
            let third = try await TestClient.open(port)
            let refused = try await third.response()
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "1")
            Self.expectErrorContract(refused, code: "unavailable")
            #expect(try await third.closedByPeer())
            // A slot frees up when a connection closes.
            try await first.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            _ = try await first.response()
            #expect(try await first.closedByPeer())
            first.hangUp()
            try await Task.sleep(for: .milliseconds(50))
            let fourth = try await TestClient.open(port)
            try await fourth.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await fourth.response().status == 200)
        }
    }

    /// API.md: every response carries X-Request-Id; errors are `{"error":{"code","message"},"requestId"}`
    /// with the same id.
    static func expectErrorContract(_ response: TestClient.Response, code: String? = nil,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let header = response.headers["x-request-id"]
        #expect(header?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        #expect(error?["code"] is String, sourceLocation: sourceLocation)
        #expect(error?["message"] is String, sourceLocation: sourceLocation)
        if let code { #expect(error?["code"] as? String == code, sourceLocation: sourceLocation) }
        #expect(object?["requestId"] as? String == header, sourceLocation: sourceLocation)
    }
}

/// The process-wide request-body budget: over it a request gets 503 with Retry-After; it is given back
/// once the response is complete.
@Suite struct HTTPServerBodyBudgetTests {
    @Test func bodyOverTheBudgetIs503AndTheBudgetIsReleased() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.maxInFlightBodyBytes = 100 }) { _, port in
            let client = try await TestClient.open(port)
            for _ in 0..<3 {  // 3 x 60 bytes in sequence: fits only if each is given back
                try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 60\r\n\r\n" + String(repeating: "x", count: 60))
                #expect(try await client.response().status == 200)
            }
            let big = try await TestClient.open(port)
            try await big.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n")
            let refused = try await big.response()
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "1")
            HTTPServerLimitTests.expectErrorContract(refused, code: "unavailable")
            let chunked = try await TestClient.open(port)
            try await chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3c\r\n" + String(repeating: "y", count: 60) + "\r\n3c\r\n" + String(repeating: "y", count: 60) + "\r\n0\r\n\r\n")
            #expect(try await chunked.response().status == 503)
        }
    }

    @Test func webSocketDefaultsStaySmall() {
        let configuration = WebSocketServerConfiguration()
        #expect(configuration.maxMessageBytes == 65_536 && configuration.maxFrameBytes == 65_536)
    }
}
