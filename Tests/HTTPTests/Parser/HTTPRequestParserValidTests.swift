import Testing
import TestSupport
@testable import HTTP

/// Valid requests: expected heads and bodies, identical however the bytes are split or repeated.
@Suite struct HTTPRequestParserValidTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let raw: String
        let method: String
        let target: String
        let version: HTTPVersion
        let body: String
        let keepAlive: Bool
        var expectsContinue = false
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "simple GET", raw: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/",
             version: .http1_1, body: "", keepAlive: true),
        Case(name: "query and headers", raw: "GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nX-Empty:\r\n\r\n",
             method: "GET", target: "/a/b?x=1&y=%20", version: .http1_1, body: "", keepAlive: true),
        Case(name: "content-length body", raw: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
             method: "POST", target: "/p", version: .http1_1, body: "hello", keepAlive: true),
        Case(name: "zero content-length", raw: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
             method: "POST", target: "/p", version: .http1_1, body: "", keepAlive: true),
        Case(name: "chunked with extension and trailer",
             raw: "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
             method: "POST", target: "/c", version: .http1_1, body: "hello world", keepAlive: true),
        Case(name: "chunked uppercase hex", raw: "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
             method: "POST", target: "/c", version: .http1_1, body: "0123456789", keepAlive: true),
        Case(name: "connection close", raw: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
             method: "GET", target: "/", version: .http1_1, body: "", keepAlive: false),
        Case(name: "HTTP/1.0 default close", raw: "GET / HTTP/1.0\r\n\r\n", method: "GET", target: "/",
             version: .http1_0, body: "", keepAlive: false),
        Case(name: "HTTP/1.0 keep-alive", raw: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", method: "GET",
             target: "/", version: .http1_0, body: "", keepAlive: true),
        Case(name: "expect continue", raw: "PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
             method: "PUT", target: "/u", version: .http1_1, body: "ok", keepAlive: true, expectsContinue: true),
        Case(name: "leading empty line", raw: "\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/x",
             version: .http1_1, body: "", keepAlive: true),
        Case(name: "OWS around value and obs-text", raw: "GET / HTTP/1.1\r\nHost:  a \t\r\nX-Latin: caf\u{E9}\r\n\r\n",
             method: "GET", target: "/", version: .http1_1, body: "", keepAlive: true),
    ]

    @Test(arguments: cases)
    func parsesWhole(_ c: Case) throws {
        let messages = try ParsedMessage.parse(c.raw)
        try #require(messages.count == 1)
        let message = messages[0]
        #expect(message.head.method == c.method)
        #expect(message.head.target == c.target)
        #expect(message.head.version == c.version)
        #expect(message.body == Array(c.body.utf8))
        #expect(message.head.keepAlive == c.keepAlive)
        #expect(message.head.expectsContinue == c.expectsContinue)
    }

    @Test(arguments: cases)
    func sameMessagesAtEverySplitByteByByteAndPipelined(_ c: Case) throws {
        let bytes = Array(c.raw.utf8)
        let whole = try ParsedMessage.parse([bytes])
        #expect(try ParsedMessage.parse(bytes.map { [$0] }) == whole)
        for split in 0...bytes.count {
            #expect(try ParsedMessage.parse([Array(bytes[..<split]), Array(bytes[split...])]) == whole, "split at \(split)")
        }
        let twice = try ParsedMessage.parse([bytes + bytes])
        #expect(twice == whole + whole)
        #expect(try ParsedMessage.parse((bytes + bytes).map { [$0] }) == whole + whole)
    }

    @Test func headerValuesAndDuplicatesAreKept() throws {
        let messages = try ParsedMessage.parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n")
        #expect(messages.first?.head.headers.values("X-A") == ["1", "2"])
        #expect(messages.first?.head.headers["host"] == "a")
    }

    @Test func allCasesPipelinedTogether() throws {
        let all = Self.cases.map { Array($0.raw.utf8) }.reduce([], +)
        let expected = try Self.cases.flatMap { try ParsedMessage.parse($0.raw) }
        #expect(try ParsedMessage.parse([all]) == expected)
        var generator = SplitMix64(seed: 42)
        var chunks: [[UInt8]] = []
        var index = 0
        while index < all.count {
            let size = Int.random(in: 1...17, using: &generator)
            chunks.append(Array(all[index..<min(all.count, index + size)]))
            index += size
        }
        #expect(try ParsedMessage.parse(chunks) == expected)
    }

    @Test func needsMoreDataReturnsNil() throws {
        var parser = HTTPRequestParser()
        parser.feed(Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.isReadingHead)
        parser.feed(Array("\r\n".utf8))
        guard case .head = try parser.next() else { Issue.record("expected head"); return }
        #expect(try parser.next() == .end)
        #expect(parser.isIdle)
    }
}
