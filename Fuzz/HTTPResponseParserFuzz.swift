// libFuzzer target for the HTTP/1.1 response parser, compiled together with
// Sources/HTTP/Client/Parser/*.swift by scripts/fuzz-http-response.sh. The property: any input yields
// responses, "need more data" or a typed error, never a trap; the same bytes split differently
// yield the same outcome, at end of stream included.

/// Runs the parser over `bytes` fed in pieces of `step` bytes, then ends the stream; returns the
/// responses and the error code.
func run(_ bytes: UnsafeBufferPointer<UInt8>, step: Int, head: Bool, limits: HTTPResponseParserLimits) -> ([HTTPParsedResponse], String?) {
    var parser = HTTPResponseParser(limits: limits)
    parser.requestMethodIsHead = head
    var responses: [HTTPParsedResponse] = []
    var index = 0
    do {
        while index < bytes.count {
            let end = min(bytes.count, index + step)
            parser.feed(UnsafeBufferPointer(rebasing: bytes[index..<end]))
            index = end
            while let response = try parser.next() { responses.append(response) }
        }
        if let last = try parser.finish() { responses.append(last) }
    } catch {
        return (responses, error.code.rawValue)
    }
    return (responses, nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponseParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var limits = HTTPResponseParserLimits()
    // Small limits so the fuzzer reaches the limit paths with short inputs.
    limits.maxHeaderBytes = 256
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 128
    limits.maxChunkLineLength = 32
    let head = size > 1 && bytes[1] & 1 == 1
    let whole = run(bytes, step: max(size, 1), head: head, limits: limits)
    let step = size > 0 ? Int(bytes[0] % 7) + 1 : 1
    let split = run(bytes, step: step, head: head, limits: limits)
    if whole.0 != split.0 || whole.1 != split.1 {
        // A difference between splits is a parser bug: make libFuzzer report it with this input.
        fatalError("split-dependent result: whole=\(whole.1 ?? "ok") split(\(step))=\(split.1 ?? "ok")")
    }
    return 0
}
