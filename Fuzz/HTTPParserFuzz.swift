// libFuzzer target for the HTTP/1.1 request parser, compiled together with Sources/HTTP/Parser/*.swift
// by scripts/fuzz-http.sh. The property: any input yields events, "need more data" or a typed error,
// never a trap; the same bytes split differently yield the same outcome.

/// Runs the parser over `bytes` fed in pieces of `step` bytes; returns the events and the error code.
func run(_ bytes: UnsafeBufferPointer<UInt8>, step: Int, limits: HTTPParserLimits) -> ([HTTPParserEvent], String?) {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPParserEvent] = []
    var index = 0
    while index < bytes.count {
        let end = min(bytes.count, index + step)
        parser.feed(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[index..<end])))
        index = end
        do {
            while let event = try parser.next() { events.append(event) }
        } catch {
            return (events, error.code.rawValue)
        }
    }
    return (events, nil)
}

/// Merges adjacent body events so different splits compare equal.
func normalized(_ events: [HTTPParserEvent]) -> [HTTPParserEvent] {
    var out: [HTTPParserEvent] = []
    for event in events {
        if case .body(let more) = event, case .body(let previous)? = out.last {
            out[out.count - 1] = .body(previous + more)
        } else {
            out.append(event)
        }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var limits = HTTPParserLimits()
    // Small limits so the fuzzer reaches the limit paths with short inputs.
    limits.maxRequestLineLength = 64
    limits.maxHeaderBytes = 256
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 128
    limits.maxChunkLineLength = 32
    let whole = run(bytes, step: max(size, 1), limits: limits)
    let step = size > 0 ? Int(bytes[0] % 7) + 1 : 1
    let split = run(bytes, step: step, limits: limits)
    if normalized(whole.0) != normalized(split.0) || whole.1 != split.1 {
        // A difference between splits is a parser bug: make libFuzzer report it with this input.
        fatalError("split-dependent result: whole=\(whole.1 ?? "ok") split(\(step))=\(split.1 ?? "ok")")
    }
    return 0
}
