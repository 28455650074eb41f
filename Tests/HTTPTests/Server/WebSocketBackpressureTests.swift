import Glibc
import Testing
import TestSupport
@testable import HTTP

/// A peer that floods us and never reads must not make the server queue output without limit.
@Suite struct WebSocketBackpressureTests {
    @Test func pingFloodWithoutReadingGetsCoalescedPongs() async throws {
        var router = testRouter()
        router.webSocket("/ws") { _, _ in EchoWebSocketHandler() }
        try await withTestServer(router: router) { _, port in
            let client = try await TestClient.open(port, timeoutSeconds: 20, receiveBuffer: 4_096)
            #expect(try await client.upgrade().status == 101)
            let pings = 100_000
            // 125-byte payloads (the control-frame maximum) ending in the ping's index: ~13 MB of pings,
            // ~13 MB of pongs if each were answered, far more than the kernel's socket buffers hold.
            @Sendable func payload(_ index: Int) -> [UInt8] {
                var bytes = [UInt8](repeating: 0x61, count: 121)
                withUnsafeBytes(of: UInt32(index).bigEndian) { bytes.append(contentsOf: $0) }
                return bytes
            }
            // Built on its own thread: in a debug build this takes a while and must not hold one of the
            // cooperative pool's threads that other tests' servers need meanwhile.
            let flood = try await TestClient.offPool {
                var flood: [UInt8] = []
                flood.reserveCapacity(pings * 131)
                for index in 0..<pings { flood += try WebSocketFrameEncoder.ping(payload(index), maskingKey: TestClient.mask) }
                return flood
            }
            try await client.send(flood)
            try await client.send(try WebSocketFrameEncoder.close(code: .normalClosure, maskingKey: TestClient.mask))
            let (pongs, lastPong, closed) = try await TestClient.offPool { [client] in
                var decoder = WebSocketFrameDecoder(role: .client, limits: WebSocketLimits(maxFrameSize: 1 << 16, maxMessageSize: 1 << 16))
                var pongs = 0, lastPong: [UInt8] = [], closed = false
                reading: while try client.fill() {
                    decoder.append(client.buffer)
                    client.buffer = []
                    while let frame = try decoder.nextFrame() {
                        if frame.opcode == .pong { pongs += 1; lastPong = frame.payload }
                        if frame.opcode == .close { closed = true; break reading }
                    }
                }
                return (pongs, lastPong, closed)
            }
            #expect(closed)
            // Without coalescing every ping is answered and all of them are queued in the server.
            #expect(pongs > 0 && pongs < pings)
            #expect(lastPong == payload(pings - 1))
        }
    }

    /// An echo peer that never reads: once our queued output passes `maxPendingOutputBytes` we stop
    /// reading, so the peer's own sends stall instead of the server reading (and dropping) forever.
    @Test func peerThatSendsWithoutReadingIsNoLongerRead() async throws {
        var router = testRouter()
        router.webSocket("/ws") { _, _ in EchoWebSocketHandler() }
        try await withTestServer(router: router, configure: { $0.maxPendingOutputBytes = 64 * 1_024 }) { _, port in
            let client = try await TestClient.open(port, timeoutSeconds: 20, receiveBuffer: 4_096)
            #expect(try await client.upgrade().status == 101)
            let message = String(repeating: "m", count: 4_000)
            let frame = WebSocketFrameEncoder.text(message, maskingKey: TestClient.mask)
            // 40 MB: more than the kernel buffers on both sides can hold (a few MB each).
            let total = 10_000
            let sent = try await TestClient.offPool { [client] () -> Int in
                var timeout = timeval(tv_sec: 1, tv_usec: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                for index in 0..<total {
                    var offset = 0
                    while offset < frame.count {
                        let count = frame.withUnsafeBytes {
                            Glibc.send(client.fd, $0.baseAddress! + offset, frame.count - offset, Int32(MSG_NOSIGNAL))
                        }
                        if count <= 0 { return index }  // SO_SNDTIMEO expired: the server stopped reading
                        offset += count
                    }
                }
                return total
            }
            #expect(sent < total)
            client.hangUp()
        }
    }
}
