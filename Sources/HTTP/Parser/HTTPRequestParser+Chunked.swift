/// The chunked transfer coding (RFC 9112 7.1): sizes in hex, extensions ignored, trailers validated and dropped.
extension HTTPRequestParser {
    mutating func stepChunked() throws(HTTPParseError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .chunkSize:
                guard let line = try nextLine(limit: limits.maxChunkLineLength, tooLong: .chunkLineTooLong) else {
                    return nil
                }
                let size = try parseChunkSize(line)
                state = size == 0 ? .trailers(count: 0, bytes: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let available = bufferedByteCount
                guard available > 0 else { return nil }
                let take = min(available, remaining)
                let chunk = Array(buffer[readIndex..<(readIndex + take)])
                consume(take)
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                return .body(chunk)
            case .chunkDataEnd:
                guard bufferedByteCount >= 1 else { return nil }
                guard buffer[readIndex] == ByteClass.cr else { throw HTTPParseError(.invalidChunkTerminator) }
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[readIndex + 1] == ByteClass.lf else { throw HTTPParseError(.invalidChunkTerminator) }
                consume(2)
                state = .chunkSize
            case .trailers(let count, let bytes):
                let budget = limits.maxHeaderBytes - bytes
                guard let line = try nextLine(limit: max(budget - 2, 0), tooLong: .headerBlockTooLarge) else {
                    return nil
                }
                if line.isEmpty {
                    state = .requestLine(emptyLines: 0)
                    return nil
                }
                guard count < limits.maxHeaderCount else { throw HTTPParseError(.tooManyHeaders) }
                _ = try parseFieldLine(line)
                state = .trailers(count: count + 1, bytes: bytes + line.count + 2)
            default:
                return nil
            }
        }
    }

    /// chunk-size [ chunk-ext ]: hex digits counted before use so a long run can never overflow.
    mutating func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = ByteClass.hexValue(line[index]) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            guard !overflow, shifted <= limits.maxBodyBytes - bodyBytesSeen - digit else {
                throw HTTPParseError(.bodyTooLarge)
            }
            size = shifted + digit
            index += 1
        }
        guard index > line.startIndex else { throw HTTPParseError(.invalidChunkSize) }
        var rest = line[index...]
        while let f = rest.first, ByteClass.isWhitespace(f) { rest = rest.dropFirst() }
        if let f = rest.first {
            guard f == 0x3B, rest.allSatisfy(ByteClass.isFieldValueChar) else { throw HTTPParseError(.invalidChunkSize) }
        }
        bodyBytesSeen += size
        return size
    }
}
