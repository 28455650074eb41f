/// Status line, header fields and the framing decision of a response head.
extension HTTPResponseParser {
    /// `HTTP/1.x SSS reason`: version 1.0 or 1.1, a three-digit status, an optional reason phrase.
    mutating func parseStatusLine(_ line: ArraySlice<UInt8>) throws(HTTPResponseParseError) {
        let bytes = Array(line)
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count >= 12, Array(bytes[0..<5]) == prefix else { throw HTTPResponseParseError(.invalidStatusLine) }
        let major = bytes[5], dot = bytes[6], minor = bytes[7]
        guard Self.isDigit(major), dot == UInt8(ascii: "."), Self.isDigit(minor), bytes[8] == 0x20 else {
            throw HTTPResponseParseError(.invalidStatusLine)
        }
        guard major == UInt8(ascii: "1"), minor <= UInt8(ascii: "1") else { throw HTTPResponseParseError(.unsupportedVersion) }
        let digits = bytes[9..<12]
        guard digits.allSatisfy(Self.isDigit) else { throw HTTPResponseParseError(.invalidStatusLine) }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (100...599).contains(status) else { throw HTTPResponseParseError(.invalidStatusLine) }
        var reason = ""
        if bytes.count > 12 {
            guard bytes[12] == 0x20 else { throw HTTPResponseParseError(.invalidStatusLine) }
            let phrase = bytes[13...]
            guard phrase.allSatisfy(Self.isFieldValueByte) else { throw HTTPResponseParseError(.invalidStatusLine) }
            reason = String(decoding: phrase, as: UTF8.self)
        }
        current.minorVersion = Int(minor - UInt8(ascii: "0"))
        current.status = status
        current.reason = reason
    }

    /// `name: value` with a token name, no whitespace before the colon and no control bytes in the value.
    mutating func parseField(_ line: ArraySlice<UInt8>) throws(HTTPResponseParseError) -> HTTPClientHeader {
        fieldCount += 1
        guard fieldCount <= limits.maxHeaderCount else { throw HTTPResponseParseError(.tooManyHeaders) }
        guard let first = line.first else { throw HTTPResponseParseError(.invalidHeaderName) }
        if first == 0x20 || first == 0x09 { throw HTTPResponseParseError(.obsoleteLineFolding) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw HTTPResponseParseError(.invalidHeaderName) }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else { throw HTTPResponseParseError(.invalidHeaderName) }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 0x20 || byte == 0x09 { value = value.dropFirst() }
        while let byte = value.last, byte == 0x20 || byte == 0x09 { value = value.dropLast() }
        guard value.allSatisfy(Self.isFieldValueByte) else { throw HTTPResponseParseError(.invalidHeaderValue) }
        return HTTPClientHeader(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// The head is complete: skip an interim response, or pick the body framing. Returns the
    /// response at once when it has no body.
    mutating func finishHead() throws(HTTPResponseParseError) -> HTTPParsedResponse? {
        if current.status < 200 {
            if current.status == 101 { throw HTTPResponseParseError(.unexpectedUpgrade) }
            current.headers = []
            headBytes = 0
            fieldCount = 0
            state = .statusLine
            return nil
        }
        current.keepAlive = keepAlive()
        headBytes = 0
        fieldCount = 0
        if requestMethodIsHead || current.status == 204 || current.status == 304 {
            return finishWithoutBody()
        }
        let codings = values("transfer-encoding")
        let lengths = values("content-length")
        if !codings.isEmpty {
            // Both framings at once is the request-smuggling shape: refuse rather than guess.
            guard lengths.isEmpty else { throw HTTPResponseParseError(.contentLengthWithTransferEncoding) }
            // We decode no content codings, so "chunked" alone is the only transfer coding accepted.
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                throw HTTPResponseParseError(.unsupportedTransferCoding)
            }
            state = .chunkSize
            return nil
        }
        if !lengths.isEmpty {
            let length = try Self.contentLength(lengths)
            guard length <= limits.maxBodyBytes else { throw HTTPResponseParseError(.bodyTooLarge) }
            if length == 0 { return finishWithoutBody() }
            state = .fixedBody(remaining: length)
            return nil
        }
        current.keepAlive = false
        state = .untilClose
        return nil
    }

    private mutating func finishWithoutBody() -> HTTPParsedResponse { complete() }

    /// Comma-separated list elements of every field named `name`, trimmed, empty ones dropped.
    private func values(_ name: String) -> [String] {
        current.headers.filter { HTTPClientHeader.namesEqual($0.name, name) }.flatMap { field in
            field.value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        }
    }

    private func keepAlive() -> Bool {
        let tokens = values("connection").map { $0.lowercased() }
        if tokens.contains("close") { return false }
        return current.minorVersion >= 1 || tokens.contains("keep-alive")
    }

    /// One decimal length, repeated identically if at all (RFC 9110 8.6); at most 18 digits so it fits an Int.
    static func contentLength(_ values: [String]) throws(HTTPResponseParseError) -> Int {
        guard let first = values.first, values.allSatisfy({ $0 == first }) else {
            throw HTTPResponseParseError(.invalidContentLength)
        }
        let digits = Array(first.utf8)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) else {
            throw HTTPResponseParseError(.invalidContentLength)
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// The hex size before any `;extension`; at most 15 significant hex digits so it fits an Int.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPResponseParseError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = hexValue(line[index]) {
            if size != 0 || value != 0 { digits += 1 }
            guard digits <= 15 else { throw HTTPResponseParseError(.invalidChunkSize) }
            size = size << 4 | value
            index += 1
        }
        guard index > line.startIndex else { throw HTTPResponseParseError(.invalidChunkSize) }
        // Optional whitespace then an extension; anything else after the digits is malformed.
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else { throw HTTPResponseParseError(.invalidChunkSize) }
        return size
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// tchar of RFC 9110 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// Visible ASCII, space, tab and obs-text; no control bytes (CR, NUL) that could split a header.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (Foundation-free, so the fuzzer builds these files alone).
    func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
