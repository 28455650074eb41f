import Testing
@testable import HTTP

/// Malformed and smuggling-prone requests: each must fail with its exact typed error and status,
/// however the bytes are split, and the error must be sticky.
@Suite struct HTTPRequestParserInvalidTests {
    struct Case: Sendable, CustomStringConvertible {
        let raw: String
        let code: HTTPParseError.Code
        let status: Int
        var description: String { code.rawValue + ": " + raw.debugDescription.prefix(60) }
    }

    static let host = "Host: a\r\n"
    static let cases: [Case] = [
        // Request line.
        Case(raw: "GET  / HTTP/1.1\r\n\r\n", code: .invalidRequestTarget, status: 400),
        Case(raw: "G(T / HTTP/1.1\r\n\r\n", code: .invalidMethod, status: 400),
        Case(raw: " GET / HTTP/1.1\r\n\r\n", code: .invalidMethod, status: 400),
        Case(raw: "GET /a\u{7F} HTTP/1.1\r\n\r\n", code: .invalidRequestTarget, status: 400),
        Case(raw: "GET / HTTP/1.1 \r\n\r\n", code: .invalidVersion, status: 400),
        Case(raw: "GET / HTTX/1.1\r\n\r\n", code: .invalidVersion, status: 400),
        Case(raw: "GET / HTTP/2.0\r\n\r\n", code: .unsupportedVersion, status: 505),
        Case(raw: "GET / HTTP/0.9\r\n\r\n", code: .unsupportedVersion, status: 505),
        Case(raw: "GET /" + String(repeating: "a", count: 9_000) + " HTTP/1.1\r\n\r\n", code: .requestLineTooLong, status: 414),
        Case(raw: "GET / HTTP/1.1\n\n", code: .bareLineFeed, status: 400),
        Case(raw: "GET /\ra HTTP/1.1\r\n\r\n", code: .bareCarriageReturn, status: 400),
        Case(raw: "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", code: .tooManyEmptyLines, status: 400),
        // Header syntax.
        Case(raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", code: .whitespaceBeforeColon, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X-A: 1\r\n  folded\r\n\r\n", code: .obsoleteLineFolding, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X(A): 1\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)NoColon\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host): empty\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X-A: a\rb\r\n\r\n", code: .bareCarriageReturn, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X-A: a\nX-B: b\r\n\r\n", code: .bareLineFeed, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X-A: a\u{0}b\r\n\r\n", code: .invalidHeaderValue, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\r\n", code: .missingHost, status: 400),
        Case(raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", code: .multipleHost, status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\(host)X-A: " + String(repeating: "v", count: 17_000) + "\r\n\r\n",
             code: .headerBlockTooLarge, status: 431),
        Case(raw: "GET / HTTP/1.1\r\n\(host)" + (0..<100).map { "X-\($0): v\r\n" }.joined() + "\r\n",
             code: .tooManyHeaders, status: 431),
        Case(raw: "GET / HTTP/1.1\r\n\(host)Expect: something\r\n\r\n", code: .expectationFailed, status: 417),
        // Smuggling defences.
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             code: .contentLengthWithTransferEncoding, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
             code: .contentLengthWithTransferEncoding, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
             code: .multipleContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
             code: .multipleContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 5\r\n\r\nhello", code: .multipleContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello", code: .invalidContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\nhello", code: .invalidContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n", code: .invalidContentLength, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999999\r\n\r\n",
             code: .bodyTooLarge, status: 413),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 1048577\r\n\r\n", code: .bodyTooLarge, status: 413),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
             code: .unsupportedTransferCoding, status: 501),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: identity\r\n\r\n", code: .unsupportedTransferCoding, status: 501),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", code: .invalidTransferEncoding, status: 400),
        Case(raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", code: .transferEncodingInHTTP10, status: 400),
        // Chunked body.
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nz\r\n", code: .invalidChunkSize, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n-1\r\n", code: .invalidChunkSize, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5 x\r\n", code: .invalidChunkSize, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\n",
             code: .bodyTooLarge, status: 413),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n100001\r\n", code: .bodyTooLarge, status: 413),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", code: .invalidChunkTerminator, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabc\rX", code: .invalidChunkTerminator, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 1_100) + "\r\n",
             code: .chunkLineTooLong, status: 400),
        Case(raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
             code: .whitespaceBeforeColon, status: 400),
    ]

    @Test(arguments: cases)
    func failsWithExactError(_ c: Case) {
        let bytes = Array(c.raw.utf8)
        let error = ParsedMessage.error(bytes)
        #expect(error?.code == c.code)
        #expect(error?.status == c.status)
    }

    @Test(arguments: cases)
    func failsTheSameByteByByte(_ c: Case) {
        let bytes = Array(c.raw.utf8)
        do {
            _ = try ParsedMessage.parse(bytes.map { [$0] })
            Issue.record("expected \(c.code)")
        } catch {
            #expect(error.code == c.code)
        }
    }

    @Test(arguments: cases)
    func failsTheSameAtEverySplit(_ c: Case) {
        let bytes = Array(c.raw.utf8)
        // Every boundary for short inputs; about 300 evenly spaced ones for the long limit cases.
        let stride = max(1, bytes.count / 300)
        for split in Swift.stride(from: 0, through: bytes.count, by: stride) {
            do {
                _ = try ParsedMessage.parse([Array(bytes[..<split]), Array(bytes[split...])])
                Issue.record("expected \(c.code) at split \(split)")
            } catch {
                #expect(error.code == c.code, "split at \(split)")
            }
        }
    }

    @Test(arguments: cases)
    func errorIsSticky(_ c: Case) {
        var parser = HTTPRequestParser()
        parser.feed(Array(c.raw.utf8))
        var first: HTTPParseError?
        do { while try parser.next() != nil {} } catch { first = error }
        parser.feed(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        do {
            _ = try parser.next()
            Issue.record("parser resynchronised after \(String(describing: first))")
        } catch {
            #expect(error == first)
        }
    }

    @Test func secondPipelinedRequestFailsAfterFirstSucceeds() {
        var parser = HTTPRequestParser()
        parser.feed(Array("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost : a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError(.whitespaceBeforeColon)) {
            var heads = 0
            while let event = try parser.next() { if case .head = event { heads += 1 } }
            #expect(heads == 1)
        }
    }

    @Test func limitsAreConfigurable() {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 4
        limits.maxHeaderCount = 1
        limits.maxRequestLineLength = 20
        #expect(ParsedMessage.error(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n".utf8), limits: limits)?.code == .tooManyHeaders)
        limits.maxHeaderCount = 5
        #expect(ParsedMessage.error(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n".utf8), limits: limits)?.code == .bodyTooLarge)
        #expect(ParsedMessage.error(Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\n".utf8), limits: limits)?.code == .bodyTooLarge)
        #expect(ParsedMessage.error(Array("GET /0123456789012345 HTTP/1.1\r\n".utf8), limits: limits)?.code == .requestLineTooLong)
        // The limit applies before the line ends, so a peer cannot make us buffer forever.
        #expect(ParsedMessage.error(Array("GET /0123456789012345".utf8), limits: limits)?.code == .requestLineTooLong)
    }
}
