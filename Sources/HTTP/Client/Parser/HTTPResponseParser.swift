/// An HTTP/1.1 response parser: a pure state machine over bytes (no I/O, no clock). Feed it what the
/// socket read, then call `next()` until it returns nil ("need more data"); each non-nil value is one
/// complete final response (1xx interim responses are skipped). At end of stream call `finish()`:
/// it completes a close-delimited body or reports a truncated response.
///
/// Framing follows RFC 9112 section 6.3: responses to HEAD, 204 and 304 have no body; then
/// Transfer-Encoding chunked; then Content-Length; otherwise the body runs until the peer closes.
public struct HTTPResponseParser: Sendable {
    enum State: Sendable {
        case statusLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case failed(HTTPResponseParseError)
    }

    public let limits: HTTPResponseParserLimits
    /// Set by the client before it sends each request: a response to HEAD has no body whatever its headers say.
    public var requestMethodIsHead = false

    var state: State = .statusLine
    var buffer: [UInt8] = []
    /// First unconsumed byte of `buffer`.
    var start = 0
    /// Where the search for the next LF resumes, so a line fed byte by byte is scanned once.
    var scanned = 0
    /// Bytes of the current head (or trailer section) consumed so far, against `maxHeaderBytes`.
    var headBytes = 0
    var fieldCount = 0
    var current = HTTPParsedResponse(minorVersion: 1, status: 0, reason: "", headers: [], body: [], trailers: [], keepAlive: true)

    public init(limits: HTTPResponseParserLimits = HTTPResponseParserLimits()) {
        self.limits = limits
    }

    /// Bytes received but not consumed yet (after a complete response: bytes the server sent unasked).
    public var bufferedByteCount: Int { buffer.count - start }

    /// True between responses with nothing buffered: a peer closing now loses nothing.
    public var isIdle: Bool {
        if case .statusLine = state, headBytes == 0, bufferedByteCount == 0 { return true }
        return false
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        if start > 4_096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete response, or nil when more bytes are needed. Errors are sticky.
    public mutating func next() throws(HTTPResponseParseError) -> HTTPParsedResponse? {
        if case .failed(let error) = state { throw error }
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// The peer closed its side: the close-delimited response it ends, nil if nothing was under way,
    /// or `.truncated` when a response was cut short.
    public mutating func finish() throws(HTTPResponseParseError) -> HTTPParsedResponse? {
        switch state {
        case .failed(let error):
            throw error
        case .untilClose:
            current.body.append(contentsOf: buffer[start...])
            start = buffer.count
            scanned = start
            return complete()
        case .statusLine where headBytes == 0 && bufferedByteCount == 0:
            return nil
        default:
            state = .failed(HTTPResponseParseError(.truncated))
            throw HTTPResponseParseError(.truncated)
        }
    }

    private mutating func step() throws(HTTPResponseParseError) -> HTTPParsedResponse? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .statusLine:
                guard let line = try takeHeadLine() else { return nil }
                // Tolerate stray empty lines between responses (some servers add CRLF after a body).
                if line.isEmpty { continue }
                try parseStatusLine(line)
                state = .headers
            case .headers:
                guard let line = try takeHeadLine() else { return nil }
                if line.isEmpty {
                    if let response = try finishHead() { return response }
                } else {
                    current.headers.append(try parseField(line))
                }
            case .fixedBody(let remaining):
                let count = min(remaining, bufferedByteCount)
                current.body.append(contentsOf: buffer[start..<(start + count)])
                consume(count)
                guard remaining - count == 0 else {
                    state = .fixedBody(remaining: remaining - count)
                    return nil
                }
                return complete()
            case .chunkSize:
                guard let line = try takeLine(limit: limits.maxChunkLineLength, tooLong: .chunkLineTooLong) else { return nil }
                let size = try Self.chunkSize(line)
                if size == 0 {
                    headBytes = 0
                    state = .trailers
                } else {
                    guard size <= limits.maxBodyBytes - current.body.count else { throw HTTPResponseParseError(.bodyTooLarge) }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let count = min(remaining, bufferedByteCount)
                current.body.append(contentsOf: buffer[start..<(start + count)])
                consume(count)
                guard remaining - count == 0 else {
                    state = .chunkData(remaining: remaining - count)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = try takeLine(limit: 2, tooLong: .invalidChunkTerminator) else { return nil }
                guard line.isEmpty else { throw HTTPResponseParseError(.invalidChunkTerminator) }
                state = .chunkSize
            case .trailers:
                guard let line = try takeHeadLine() else { return nil }
                if line.isEmpty { return complete() }
                current.trailers.append(try parseField(line))
            case .untilClose:
                guard current.body.count + bufferedByteCount <= limits.maxBodyBytes else {
                    throw HTTPResponseParseError(.bodyTooLarge)
                }
                current.body.append(contentsOf: buffer[start...])
                consume(bufferedByteCount)
                return nil
            }
        }
    }

    /// Hands out the finished response and resets for the next one on the same connection.
    mutating func complete() -> HTTPParsedResponse {
        let response = current
        current = HTTPParsedResponse(minorVersion: 1, status: 0, reason: "", headers: [], body: [], trailers: [], keepAlive: true)
        state = .statusLine
        headBytes = 0
        fieldCount = 0
        return response
    }

    mutating func consume(_ count: Int) {
        start += count
        if scanned < start { scanned = start }
    }

    /// A line of the head or trailers, counted against the header byte budget.
    private mutating func takeHeadLine() throws(HTTPResponseParseError) -> ArraySlice<UInt8>? {
        let before = start
        guard let line = try takeLine(limit: limits.maxHeaderBytes - headBytes, tooLong: .headerBlockTooLarge) else {
            return nil
        }
        headBytes += start - before
        return line
    }

    /// The next line without its LF (and CR before it), or nil if no LF is buffered yet. A line longer
    /// than `limit` bytes (terminator included) fails as soon as that many bytes are buffered.
    mutating func takeLine(limit: Int, tooLong: HTTPResponseParseError.Code) throws(HTTPResponseParseError) -> ArraySlice<UInt8>? {
        while scanned < buffer.count {
            if buffer[scanned] == 0x0A {
                let end = scanned
                guard end + 1 - start <= limit else { throw HTTPResponseParseError(tooLong) }
                var lineEnd = end
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = buffer[start..<lineEnd]
                start = end + 1
                scanned = start
                return line
            }
            scanned += 1
        }
        if buffer.count - start >= limit { throw HTTPResponseParseError(tooLong) }
        return nil
    }
}
