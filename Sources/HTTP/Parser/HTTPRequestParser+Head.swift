/// Request line and field line syntax (RFC 9112 3 and 5), and the framing decisions of RFC 9112 6.
extension HTTPRequestParser {
    func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> HeadInProgress {
        guard let firstSpace = line.firstIndex(of: ByteClass.sp) else { throw HTTPParseError(.invalidMethod) }
        let method = line[line.startIndex..<firstSpace]
        guard !method.isEmpty, method.allSatisfy(ByteClass.isTokenChar) else { throw HTTPParseError(.invalidMethod) }
        let afterMethod = line[(firstSpace + 1)...]
        guard let secondSpace = afterMethod.firstIndex(of: ByteClass.sp) else {
            throw HTTPParseError(.invalidRequestTarget)
        }
        let target = afterMethod[afterMethod.startIndex..<secondSpace]
        guard !target.isEmpty, target.allSatisfy(ByteClass.isTargetChar) else {
            throw HTTPParseError(.invalidRequestTarget)
        }
        let version = try parseVersion(line[(secondSpace + 1)...])
        return HeadInProgress(method: String(decoding: method, as: UTF8.self),
                              target: String(decoding: target, as: UTF8.self),
                              version: version)
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT; well-formed versions other than 1.0 and 1.1 are 505.
    func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        // Byte comparisons, not an `Array("HTTP/".utf8)`: that was an allocation on every request.
        guard bytes.count == 8 else { throw HTTPParseError(.invalidVersion) }
        let start = bytes.startIndex
        guard bytes[start] == 0x48, bytes[start + 1] == 0x54, bytes[start + 2] == 0x54, bytes[start + 3] == 0x50,
              bytes[start + 4] == 0x2F else { throw HTTPParseError(.invalidVersion) }
        let major = bytes[start + 5], dot = bytes[start + 6], minor = bytes[start + 7]
        guard (0x30...0x39).contains(major), dot == 0x2E, (0x30...0x39).contains(minor) else {
            throw HTTPParseError(.invalidVersion)
        }
        let version = HTTPVersion(major: Int(major - 0x30), minor: Int(minor - 0x30))
        guard version == .http1_1 || version == .http1_0 else { throw HTTPParseError(.unsupportedVersion) }
        return version
    }

    /// field-line = field-name ":" OWS field-value OWS; no folding, no space before the colon.
    func parseFieldLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPHeaders.Field {
        guard let first = line.first else { throw HTTPParseError(.invalidHeaderName) }
        if ByteClass.isWhitespace(first) { throw HTTPParseError(.obsoleteLineFolding) }
        var colon: Int?
        for index in line.indices {
            let byte = line[index]
            if byte == 0x3A { colon = index; break }
            if ByteClass.isWhitespace(byte) { throw HTTPParseError(.whitespaceBeforeColon) }
            if !ByteClass.isTokenChar(byte) { throw HTTPParseError(.invalidHeaderName) }
        }
        guard let colon, colon > line.startIndex else { throw HTTPParseError(.invalidHeaderName) }
        var value = line[(colon + 1)...]
        while let f = value.first, ByteClass.isWhitespace(f) { value = value.dropFirst() }
        while let l = value.last, ByteClass.isWhitespace(l) { value = value.dropLast() }
        guard value.allSatisfy(ByteClass.isFieldValueChar) else { throw HTTPParseError(.invalidHeaderValue) }
        return HTTPHeaders.Field(name: String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                                 value: String(decoding: value, as: UTF8.self))
    }

    /// Decides framing, keep-alive and 100-continue; refuses every ambiguous framing (smuggling defence).
    func finishHead(_ head: HeadInProgress) throws(HTTPParseError) -> HTTPRequestHead {
        let headers = head.headers
        // One pass over the fields: these decisions run for every request.
        var hosts = 0
        var transferEncodings: [String] = []
        var contentLengths: [String] = []
        var close = false, keepAliveToken = false
        var expect: String?
        for field in headers.fields {
            let name = field.name
            switch name.utf8.count {
            case 4 where HTTPHeaders.namesEqual(name, "host"): hosts += 1
            case 6 where HTTPHeaders.namesEqual(name, "expect"): expect = field.value
            case 10 where HTTPHeaders.namesEqual(name, "connection"):
                for token in field.value.split(separator: ",") {
                    let token = HTTPHeaders.trimmed(token)
                    if HTTPHeaders.namesEqual(token, "close") { close = true }
                    if HTTPHeaders.namesEqual(token, "keep-alive") { keepAliveToken = true }
                }
            case 14 where HTTPHeaders.namesEqual(name, "content-length"): contentLengths.append(field.value)
            case 17 where HTTPHeaders.namesEqual(name, "transfer-encoding"): transferEncodings.append(field.value)
            default: break
            }
        }
        if head.version == .http1_1 {
            if hosts == 0 { throw HTTPParseError(.missingHost) }
            if hosts > 1 { throw HTTPParseError(.multipleHost) }
        }
        let framing: HTTPRequestHead.Framing
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw HTTPParseError(.contentLengthWithTransferEncoding) }
            if head.version == .http1_0 { throw HTTPParseError(.transferEncodingInHTTP10) }
            framing = try chunkedFraming(transferEncodings)
        } else if contentLengths.count > 1 {
            // Identical repeated values are refused too: no legitimate client sends them.
            throw HTTPParseError(.multipleContentLength)
        } else if let value = contentLengths.first {
            let length = try parseContentLength(value)
            framing = length == 0 ? .none : .length(length)
        } else {
            framing = .none
        }
        let keepAlive = close ? false : (head.version == .http1_0 ? keepAliveToken : true)
        var expectsContinue = false
        if let expect {
            guard HTTPHeaders.namesEqual(expect, "100-continue") else { throw HTTPParseError(.expectationFailed) }
            expectsContinue = head.version == .http1_1
        }
        return HTTPRequestHead(method: head.method, target: head.target, version: head.version, headers: headers,
                               framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    /// Only `chunked`, exactly once, is accepted: other codings are 501, chunked twice is malformed.
    func chunkedFraming(_ values: [String]) throws(HTTPParseError) -> HTTPRequestHead.Framing {
        var codings: [String] = []
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let coding = HTTPHeaders.trimmed(part)
                guard !coding.isEmpty, coding.utf8.allSatisfy(ByteClass.isTokenChar) else {
                    throw HTTPParseError(.invalidTransferEncoding)
                }
                codings.append(coding)
            }
        }
        for coding in codings where !HTTPHeaders.namesEqual(coding, "chunked") {
            throw HTTPParseError(.unsupportedTransferCoding)
        }
        guard codings.count == 1 else { throw HTTPParseError(.invalidTransferEncoding) }
        return .chunked
    }

    /// Content-Length = 1*DIGIT, checked digit by digit against the body limit so it can never overflow.
    func parseContentLength(_ value: String) throws(HTTPParseError) -> Int {
        let digits = value.utf8
        if digits.contains(0x2C) { throw HTTPParseError(.multipleContentLength) }
        guard !digits.isEmpty else { throw HTTPParseError(.invalidContentLength) }
        var length = 0
        for digit in digits {
            guard (0x30...0x39).contains(digit) else { throw HTTPParseError(.invalidContentLength) }
            let (shifted, overflow) = length.multipliedReportingOverflow(by: 10)
            guard !overflow, shifted <= limits.maxBodyBytes - Int(digit - 0x30) else {
                throw HTTPParseError(.bodyTooLarge)
            }
            length = shifted + Int(digit - 0x30)
        }
        return length
    }
}
