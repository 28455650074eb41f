import Testing
@testable import HTTP

/// Response framing: a table of valid and invalid inputs, each fed whole, byte by byte and split at
/// every boundary, with the same responses (or the same typed error) every time.
@Suite struct HTTPResponseParserTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let raw: String
        var head = false
        /// (status, body, keepAlive) of each final response, in order.
        var responses: [(Int, String, Bool)] = []
        var error: HTTPResponseParseError.Code?
        var limits = HTTPResponseParserLimits()
        var description: String { name }
    }

    static func small() -> HTTPResponseParserLimits {
        var limits = HTTPResponseParserLimits()
        limits.maxHeaderBytes = 64
        limits.maxHeaderCount = 2
        limits.maxBodyBytes = 8
        limits.maxChunkLineLength = 8
        return limits
    }

    static let cases: [Case] = [
        Case(name: "content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", responses: [(200, "hello", true)]),
        Case(name: "two keep-alive responses", raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
             responses: [(200, "a", true), (201, "", true)]),
        Case(name: "bare LF line endings", raw: "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", responses: [(200, "ok", true)]),
        Case(name: "chunked with extension and trailer",
             raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-T: v\r\n\r\n",
             responses: [(200, "hello world", true)]),
        Case(name: "chunked upper-case hex", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
             responses: [(200, "0123456789", true)]),
        Case(name: "close-delimited", raw: "HTTP/1.1 200 OK\r\n\r\nuntil close", responses: [(200, "until close", false)]),
        Case(name: "connection close", raw: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", responses: [(200, "x", false)]),
        Case(name: "HTTP/1.0 default close", raw: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", responses: [(200, "x", false)]),
        Case(name: "HTTP/1.0 keep-alive", raw: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", responses: [(200, "x", true)]),
        Case(name: "1xx skipped", raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
             responses: [(200, "ok", true)]),
        Case(name: "HEAD has no body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", head: true, responses: [(200, "", true)]),
        Case(name: "204 and 304 have no body", raw: "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n",
             responses: [(204, "", true), (304, "", true)]),
        Case(name: "empty reason", raw: "HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", responses: [(503, "", true)]),
        Case(name: "no reason", raw: "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", responses: [(404, "", true)]),
        Case(name: "repeated identical content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", responses: [(200, "ok", true)]),

        Case(name: "garbage status line", raw: "HTTX/1.1 200 OK\r\n\r\n", error: .invalidStatusLine),
        Case(name: "two-digit status", raw: "HTTP/1.1 20 OK\r\n\r\n", error: .invalidStatusLine),
        Case(name: "HTTP/2 status line", raw: "HTTP/2.0 200 OK\r\n\r\n", error: .unsupportedVersion),
        Case(name: "101 upgrade", raw: "HTTP/1.1 101 Switching Protocols\r\n\r\n", error: .unexpectedUpgrade),
        Case(name: "space before colon", raw: "HTTP/1.1 200 OK\r\nA : b\r\n\r\n", error: .invalidHeaderName),
        Case(name: "obs-fold", raw: "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", error: .obsoleteLineFolding),
        Case(name: "control byte in value", raw: "HTTP/1.1 200 OK\r\nA: b\u{1}c\r\n\r\n", error: .invalidHeaderValue),
        Case(name: "differing content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", error: .invalidContentLength),
        Case(name: "negative content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", error: .invalidContentLength),
        Case(name: "huge content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", error: .invalidContentLength),
        Case(name: "both framings", raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", error: .contentLengthWithTransferEncoding),
        Case(name: "gzip transfer coding", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", error: .unsupportedTransferCoding),
        Case(name: "bad chunk size", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", error: .invalidChunkSize),
        Case(name: "chunk size overflow", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", error: .invalidChunkSize),
        Case(name: "missing chunk CRLF", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", error: .invalidChunkTerminator),
        Case(name: "truncated fixed body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", error: .truncated),
        Case(name: "truncated head", raw: "HTTP/1.1 200 OK\r\nContent-Le", error: .truncated),
        Case(name: "truncated chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", error: .truncated),
        Case(name: "header bytes limit", raw: "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 60) + "\r\n\r\n",
             error: .headerBlockTooLarge, limits: small()),
        Case(name: "header count limit", raw: "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", error: .tooManyHeaders, limits: small()),
        Case(name: "content-length over limit", raw: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", error: .bodyTooLarge, limits: small()),
        Case(name: "chunked over limit", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
             error: .bodyTooLarge, limits: small()),
        Case(name: "close-delimited over limit", raw: "HTTP/1.1 200 OK\r\n\r\n0123456789", error: .bodyTooLarge, limits: small()),
        Case(name: "chunk line too long", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdefgh\r\n", error: .chunkLineTooLong, limits: small()),
    ]

    struct Outcome: Equatable {
        var responses: [HTTPParsedResponse] = []
        var error: HTTPResponseParseError.Code?
    }

    /// Feeds `pieces` in order, then ends the stream.
    static func run(_ pieces: [ArraySlice<UInt8>], head: Bool, limits: HTTPResponseParserLimits) -> Outcome {
        var parser = HTTPResponseParser(limits: limits)
        parser.requestMethodIsHead = head
        var outcome = Outcome()
        do {
            for piece in pieces {
                parser.feed(piece)
                while let response = try parser.next() { outcome.responses.append(response) }
            }
            if let last = try parser.finish() { outcome.responses.append(last) }
        } catch {
            outcome.error = error.code
        }
        return outcome
    }

    @Test(arguments: cases)
    func sameOutcomeHoweverSplit(_ test: Case) {
        let bytes = Array(test.raw.utf8)
        let whole = Self.run([bytes[...]], head: test.head, limits: test.limits)
        #expect(whole.error == test.error)
        #expect(whole.responses.map(\.status) == test.responses.map(\.0))
        #expect(whole.responses.map { String(decoding: $0.body, as: UTF8.self) } == test.responses.map(\.1))
        #expect(whole.responses.map(\.keepAlive) == test.responses.map(\.2))
        let byteByByte = Self.run(bytes.indices.map { bytes[$0...$0] }, head: test.head, limits: test.limits)
        #expect(byteByByte == whole, "byte by byte")
        for split in 0...bytes.count {
            let outcome = Self.run([bytes[..<split], bytes[split...]], head: test.head, limits: test.limits)
            #expect(outcome == whole, "split at \(split)")
        }
    }

    @Test func headersAndTrailersAreKept() throws {
        var parser = HTTPResponseParser()
        parser.feed(Array("HTTP/1.1 200 OK\r\nX-A:  one \r\nx-a: two\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: t\r\n\r\n".utf8))
        let response = try #require(try parser.next())
        #expect(response.reason == "OK")
        #expect(response.header("X-A") == "one")
        #expect(response.headers.filter { HTTPClientHeader.namesEqual($0.name, "x-a") }.map(\.value) == ["one", "two"])
        #expect(response.trailers == [HTTPClientHeader(name: "X-T", value: "t")])
        #expect(parser.isIdle)
    }

    @Test func errorsAreSticky() {
        var parser = HTTPResponseParser()
        parser.feed(Array("nonsense\r\n".utf8))
        #expect(throws: HTTPResponseParseError(.invalidStatusLine)) { try parser.next() }
        parser.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(throws: HTTPResponseParseError(.invalidStatusLine)) { try parser.next() }
    }
}
