// libFuzzer entry point for the WebSocket codec, compiled together with Sources/HTTP/WebSocket by
// scripts/fuzz-websocket.sh. Beyond "no crash", it checks that splitting the input changes nothing.

/// Outcome of one parse, compared between whole and split feeding.
struct FuzzOutcome: Equatable {
    var events: [WebSocketEvent] = []
    var error: WebSocketError.Code?
}

func fuzzRun(_ chunks: [ArraySlice<UInt8>], role: WebSocketFrameDecoder.Role, limits: WebSocketLimits) -> FuzzOutcome {
    var parser = WebSocketParser(role: role, limits: limits)
    var outcome = FuzzOutcome()
    for chunk in chunks {
        do {
            parser.append(chunk)
            while let event = try parser.nextEvent() { outcome.events.append(event) }
        } catch {
            outcome.error = error.code
            return outcome
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let control = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    // The first byte picks the role, small or default limits, and a split stride.
    let role: WebSocketFrameDecoder.Role = control & 1 == 0 ? .server : .client
    let limits = control & 2 == 0
        ? WebSocketLimits()
        : WebSocketLimits(maxFrameSize: 256, maxMessageSize: 512, maxFragmentCount: 4)
    let stride = Int(control >> 2) + 1

    let whole = fuzzRun([bytes[...]], role: role, limits: limits)
    var chunks: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + stride)
        chunks.append(bytes[start..<end])
        start = end
    }
    let pieces = fuzzRun(chunks, role: role, limits: limits)
    if whole != pieces {
        fatalError("split feeding changed the outcome: \(whole) vs \(pieces)")
    }
    // Whatever was decoded must re-encode and decode to the same events (server side only).
    if role == .client, whole.error == nil {
        var reencoded: [UInt8] = []
        for event in whole.events {
            switch event {
            case .text(let text): reencoded += WebSocketFrameEncoder.text(text)
            case .binary(let payload): reencoded += WebSocketFrameEncoder.binary(payload)
            case .ping(let payload): reencoded += (try? WebSocketFrameEncoder.ping(payload)) ?? []
            case .pong(let payload): reencoded += (try? WebSocketFrameEncoder.pong(payload)) ?? []
            case .close(let code, let reason): reencoded += (try? WebSocketFrameEncoder.close(code: code, reason: reason)) ?? []
            }
        }
        let again = fuzzRun([reencoded[...]], role: .client, limits: WebSocketLimits())
        if again.events != whole.events {
            fatalError("re-encoding changed the events: \(whole.events) vs \(again.events)")
        }
    }
    return 0
}
