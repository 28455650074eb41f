import Testing
@testable import HTTP

/// The response head: handler headers cannot split the response, server-owned headers win.
@Suite struct ResponseHeadEncoderTests {
    @Test func crlfInHandlerHeadersCannotInjectLines() {
        var out: [UInt8] = []
        ResponseHeadEncoder.encode(status: 200, headers: ["X-A\r\nB:": "v\r\nInjected: 1", "Content-Length": "999"],
                                   framing: .contentLength(2), keepAlive: true, version: .http1_1,
                                   date: "Sun, 29 Nov 2026 08:00:00 GMT", serverName: nil, into: &out)
        let head = String(decoding: out, as: UTF8.self)
        #expect(head == "HTTP/1.1 200 OK\r\nX-A--B-: v  Injected: 1\r\nContent-Length: 2\r\n"
                + "Date: Sun, 29 Nov 2026 08:00:00 GMT\r\n\r\n")
    }
}
