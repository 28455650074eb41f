/// An incremental HTTP/1.1 request parser (RFC 9110/9112): a pure state machine over bytes.
///
/// Feed bytes with `feed(_:)` as they arrive, then call `next()` until it returns `nil` (more data
/// needed). Requests come out in order, so pipelined requests are handled by simply not calling
/// `next()` until the previous response is written. The first error is sticky.
public struct HTTPRequestParser: Sendable {
    enum State: Sendable {
        case requestLine(emptyLines: Int)
        /// Header lines of `head` are arriving.
        case headers
        case endOfHead(HTTPRequestHead.Framing)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(count: Int, bytes: Int)
        case failed(HTTPParseError)
    }

    /// The request line and headers seen so far for the current request.
    struct HeadInProgress: Sendable {
        var method: String
        var target: String
        var version: HTTPVersion
        var headers = HTTPHeaders()
        var headerBytes = 0
    }

    public let limits: HTTPParserLimits
    var state: State = .requestLine(emptyLines: 0)
    var buffer: [UInt8] = []
    var readIndex = 0
    /// Where the search for the next LF resumes, so byte-by-byte feeding stays linear.
    var scanIndex = 0
    var bodyBytesSeen = 0
    /// The head being parsed while `state` is `.headers`; kept outside the enum so each header line is
    /// appended in place instead of copying the head out of the enum and back (retains on every line).
    var head = HeadInProgress(method: "", target: "", version: .http1_1)

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet turned into events (the server bounds this to apply back-pressure).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between messages with nothing buffered: the connection is idle.
    public var isIdle: Bool {
        if case .requestLine = state, bufferedByteCount == 0 { return true }
        return false
    }

    /// True once a request line has started arriving and its head is not yet complete.
    public var isReadingHead: Bool {
        switch state {
        case .requestLine: return bufferedByteCount > 0
        case .headers: return true
        default: return false
        }
    }

    /// Removes and returns the unparsed bytes (after an upgrade they belong to the new protocol).
    public mutating func takeBufferedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer.removeAll()
        readIndex = 0
        scanIndex = 0
        return rest
    }

    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// The next event, or `nil` when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .requestLine(let emptyLines):
                guard let line = try nextLine(limit: limits.maxRequestLineLength, tooLong: .requestLineTooLong) else {
                    return nil
                }
                if line.isEmpty {
                    guard emptyLines < limits.maxLeadingEmptyLines else { throw HTTPParseError(.tooManyEmptyLines) }
                    state = .requestLine(emptyLines: emptyLines + 1)
                    continue
                }
                head = try parseRequestLine(line)
                state = .headers
            case .headers:
                let budget = limits.maxHeaderBytes - head.headerBytes
                guard let line = try nextLine(limit: max(budget - 2, 0), tooLong: .headerBlockTooLarge) else {
                    return nil
                }
                head.headerBytes += line.count + 2
                if line.isEmpty {
                    let parsed = try finishHead(head)
                    head = HeadInProgress(method: "", target: "", version: .http1_1)
                    state = .endOfHead(parsed.framing)
                    return .head(parsed)
                }
                guard head.headers.count < limits.maxHeaderCount else { throw HTTPParseError(.tooManyHeaders) }
                let field = try parseFieldLine(line)
                head.headers.add(field.name, field.value)
            case .endOfHead(let framing):
                bodyBytesSeen = 0
                switch framing {
                case .none: state = .fixedBody(remaining: 0)
                case .length(let length): state = .fixedBody(remaining: length)
                case .chunked: state = .chunkSize
                }
            case .fixedBody(let remaining):
                if remaining == 0 {
                    state = .requestLine(emptyLines: 0)
                    return .end
                }
                let available = bufferedByteCount
                guard available > 0 else { return nil }
                let take = min(available, remaining)
                let chunk = Array(buffer[readIndex..<(readIndex + take)])
                consume(take)
                state = .fixedBody(remaining: remaining - take)
                return .body(chunk)
            case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
                if let event = try stepChunked() { return event }
                if case .requestLine = state { return .end }
                return nil
            }
        }
    }

    mutating func consume(_ count: Int) {
        readIndex += count
        if scanIndex < readIndex { scanIndex = readIndex }
    }

    private mutating func compactIfUseful() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        } else if readIndex > 4_096 && readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
    }

    /// The next CRLF-terminated line (without CRLF), `nil` if incomplete. Bytes are judged strictly in
    /// order and each verdict depends only on bytes already seen, so every split of the input yields the
    /// same line or the same error: the first content byte past `limit` is `tooLong`, a CR not followed
    /// by LF is a bare CR, an LF without CR is a bare LF.
    mutating func nextLine(limit: Int, tooLong: HTTPParseError.Code) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        var index = max(scanIndex, readIndex)
        let end = buffer.count
        while index < end {
            let byte = buffer[index]
            if byte == ByteClass.lf {
                guard index > readIndex, buffer[index - 1] == ByteClass.cr else {
                    throw HTTPParseError(.bareLineFeed)
                }
                let line = buffer[readIndex..<(index - 1)]
                consume(index + 1 - readIndex)
                scanIndex = readIndex
                return line
            }
            if byte == ByteClass.cr {
                guard index + 1 < end else { break }
                guard buffer[index + 1] == ByteClass.lf else { throw HTTPParseError(.bareCarriageReturn) }
            } else if index - readIndex >= limit {
                throw HTTPParseError(tooLong)
            }
            index += 1
        }
        // A trailing CR is re-examined when its successor arrives.
        scanIndex = index
        return nil
    }
}
