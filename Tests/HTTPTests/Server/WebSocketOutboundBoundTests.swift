import Foundation
import Glibc
import Testing
import TestSupport
@testable import HTTP

/// A peer that stops reading must not make its connection hold more than `maxOutboundBytes`, however
/// many keepalive pings pass; a peer that keeps reading, however slowly, must not be taken for dead.
@Suite struct WebSocketOutboundBoundTests {
    static let limit = 64 * 1_024
    static let message = 8 * 1_024
    /// A frame's header plus the control frames (ping, pong, close) that may sit behind the data.
    static let slack = 14 + 3 * 127

    /// Pushes `message`-byte binaries for `duration`, retrying shortly when refused, as the realtime
    /// session does; returns how many were accepted.
    static func keepSending(_ outbound: WebSocketOutbound, for duration: Duration) -> Task<Int, Never> {
        Task.detached {
            let end = ContinuousClock.now + duration
            let payload = [UInt8](repeating: 7, count: message)
            var accepted = 0
            while ContinuousClock.now < end && outbound.isOpen {
                if outbound.send(binary: payload) == .enqueued {
                    accepted += 1
                } else {
                    try? await Task.sleep(for: .milliseconds(1))
                }
            }
            return accepted
        }
    }

    static func open(_ port: Int, _ recorder: WebSocketServerTests.Recorder) async throws -> (TestClient, WebSocketOutbound) {
        let client = try await TestClient.open(port, receiveBuffer: 4_096)
        #expect(try await client.upgrade("/rec").status == 101)
        #expect(await WebSocketServerTests.waitFor { recorder.outbound.withLock { $0 } != nil })
        return (client, try #require(recorder.outbound.withLock { $0 }))
    }

    @Test func nonReadingPeerIsHeldWithinTheLimitAcrossPings() async throws {
        let recorder = WebSocketServerTests.Recorder()
        try await withTestServer(router: WebSocketServerTests.router(recorder: recorder), configure: {
            $0.webSocket.maxOutboundBytes = Self.limit
            $0.webSocket.pingInterval = .milliseconds(100)
            $0.webSocket.deadPeerTimeout = .seconds(30)
        }) { _, port in
            let (client, outbound) = try await Self.open(port, recorder)
            let sender = Self.keepSending(outbound, for: .seconds(1))
            // Ten ping intervals: each used to move everything held into the write buffer.
            var most = 0
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(20))
                most = max(most, await outbound.bytesHeldForPeer() ?? 0)
            }
            let accepted = await sender.value
            #expect(most > Self.limit / 2, "the socket never backed up: \(most) bytes held, \(accepted) sent")
            #expect(most <= Self.limit + Self.message + Self.slack, "held \(most) bytes for a peer that reads nothing")
            #expect(outbound.isOpen)
            client.hangUp()
        }
    }

    /// No pong ever comes (the raw client does not answer pings), but the peer's window keeps opening.
    @Test func slowButReadingPeerIsNotDroppedAsDead() async throws {
        let recorder = WebSocketServerTests.Recorder()
        try await withTestServer(router: WebSocketServerTests.router(recorder: recorder), configure: {
            $0.webSocket.maxOutboundBytes = Self.limit
            $0.webSocket.pingInterval = .milliseconds(100)
            // Several ticks of margin, yet well inside the 1.5 s the peer reads for.
            $0.webSocket.deadPeerTimeout = .milliseconds(600)
        }) { _, port in
            let (client, outbound) = try await Self.open(port, recorder)
            let sender = Self.keepSending(outbound, for: .milliseconds(1_600))
            let received = try await TestClient.offPool { [client] () -> Int in
                let end = Date().addingTimeInterval(1.5)
                var total = 0
                var chunk = [UInt8](repeating: 0, count: 2_048)
                while Date() < end {
                    let count = recv(client.fd, &chunk, chunk.count, 0)
                    if count <= 0 { break }
                    total += count
                    usleep(5_000)
                }
                return total
            }
            _ = await sender.value
            #expect(received > 100_000, "read \(received) bytes")
            #expect(outbound.isOpen, "dropped as dead after \(received) bytes read")
            client.hangUp()
        }
    }

    /// Without pings behind a backlog, a peer that reads nothing must still be found dead in time.
    @Test func nonReadingPeerBehindABacklogIsStillDropped() async throws {
        let recorder = WebSocketServerTests.Recorder()
        try await withTestServer(router: WebSocketServerTests.router(recorder: recorder), configure: {
            $0.webSocket.maxOutboundBytes = Self.limit
            $0.webSocket.pingInterval = .milliseconds(100)
            $0.webSocket.deadPeerTimeout = .milliseconds(400)
        }) { _, port in
            let (client, outbound) = try await Self.open(port, recorder)
            let start = ContinuousClock.now
            _ = await Self.keepSending(outbound, for: .seconds(3)).value
            #expect(!outbound.isOpen)
            #expect(ContinuousClock.now - start < .milliseconds(1_500))
            // The handler hears it on its own task, shortly after the loop closed the handle.
            #expect(await WebSocketServerTests.waitFor { recorder.closeCode.withLock { $0 } == 1006 })
            client.hangUp()
        }
    }
}
