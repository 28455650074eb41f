import Testing
import TestSupport
@testable import HTTP

/// Keep-alive, pipelining, HEAD, HTTP/1.0, 100-continue, chunked bodies over real sockets.
@Suite struct HTTPServerKeepAliveTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            for index in 0..<5 {
                try await client.send("GET /items/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try await client.response()
                #expect(response.status == 200)
                #expect(response.text == "item \(index)")
                #expect(response.headers["connection"] == nil)
                #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            // The first request is the slowest: responses must still come back in request order.
            try await client.send("GET /sleep/150 HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep/0 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\npipeGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.response().text == "slept 150")
            #expect(try await client.response().text == "slept 0")
            #expect(try await client.response().text == "pipe")
            #expect(try await client.response().text == "hello")
        }
    }

    @Test func manyPipelinedRequestsWithSmallOutputBoundAllAnswered() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.maxPendingOutputBytes = 512 }) { _, port in
            let client = try await TestClient.open(port)
            let count = 300
            try await client.send((0..<count).map { "GET /items/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
            for index in 0..<count {
                #expect(try await client.response().text == "item \(index)")
            }
        }
    }

    @Test func headHasLengthButNoBody() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try await client.response(head: true)
            #expect(head.status == 200)
            #expect(head.headers["content-length"] == "5")
            // If a body had been written, it would be read here as a bogus status line.
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let next = try await client.response()
            #expect(next.status == 200)
            #expect(next.text == "hello")
        }
    }

    @Test func http10ClosesUnlessKeepAliveAsked() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let plain = try await TestClient.open(port)
            try await plain.send("GET /hello HTTP/1.0\r\n\r\n")
            let first = try await plain.response()
            #expect(first.status == 200)
            #expect(first.headers["connection"] == "close")
            #expect(try await plain.closedByPeer())

            let keep = try await TestClient.open(port)
            try await keep.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let kept = try await keep.response()
            #expect(kept.headers["connection"] == "keep-alive")
            try await keep.send("GET /items/7 HTTP/1.0\r\n\r\n")
            #expect(try await keep.response().text == "item 7")
            #expect(try await keep.closedByPeer())
        }
    }

    @Test func serverHeaderIsOptional() async throws {
        try await withTestServer(router: testRouter(), configure: { $0.serverName = "coordinator" }) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.response().headers["server"] == "coordinator")
        }
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.response().headers["server"] == nil)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let response = try await client.response()
            #expect(response.headers["connection"] == "close")
            #expect(try await client.closedByPeer())
        }
    }

    @Test func expectContinueGetsInterimResponseBeforeBody() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n")
            let interim = try await client.response()
            #expect(interim.status == 100)
            try await client.send("payload")
            let final = try await client.response()
            #expect(final.status == 200)
            #expect(final.text == "payload")
        }
    }

    @Test func chunkedRequestAndStreamedResponse() async throws {
        try await withTestServer(router: testRouter()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            #expect(try await client.response().text == "abcde")
            try await client.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            let streamed = try await client.response()
            #expect(streamed.headers["transfer-encoding"] == "chunked")
            #expect(streamed.text == "part0;part1;part2;")
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.response().text == "hello")
        }
    }
}
