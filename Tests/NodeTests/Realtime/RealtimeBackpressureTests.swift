import Auth
import Foundation
import Testing
import TestSupport
@testable import Node

/// A dashboard that stops reading: the node holds a bounded amount for it, sheds `low` events first,
/// and still delivers every `critical` one, ahead of the low ones still queued.
@Suite struct RealtimeBackpressureTests {
    @Test func aSlowReaderLosesLowEventsNeverCriticalOnes() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "rt-slow-\(UInt32.random(in: 0...UInt32.max))"))
        let port = try await node.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let token = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .manager, expiresAt: Date().addingTimeInterval(300)))
        let filler = String(repeating: "x", count: 60_000)
        func publish(_ n: Int, _ priority: String) async throws -> Int {
            try await TestHTTP.request(base + "/api/v1/realtime/publish", method: "POST", bearer: token,
                                       headers: ["Content-Type": "application/json"],
                                       body: Data(#"{"room":"webhook_events","event":"e","priority":"\#(priority)","data":{"n":\#(n),"pad":"\#(filler)"}}"#.utf8)).status
        }

        let slow = try await RealtimeTestClient.connect(port: port, token: token, timeoutSeconds: 10, receiveBuffer: 4_096)
        try await slow.send(#"{"type":"subscribe","room":"webhook_events"}"#)
        _ = try await slow.next(type: "subscribed")
        // ~24 MB of low events: more than the kernel buffers, the 1 MiB the server holds per
        // connection and the session's queue of 256 together.
        let lows = 400
        for n in 0..<lows { #expect(try await publish(n, "low") == 200) }
        for n in 0..<5 { #expect(try await publish(1_000 + n, "critical") == 200) }

        var low: [Int] = []
        var critical: [Int] = []
        while critical.count < 5 {
            let message = try await slow.next(type: "event")
            let n = try #require((message["data"] as? [String: Any])?["n"] as? Int)
            if message["priority"] as? String == "critical" { critical.append(n) } else { low.append(n) }
        }
        #expect(critical == [1_000, 1_001, 1_002, 1_003, 1_004])
        let metrics = try await TestHTTP.request(base + "/api/v1/external-services/realtime-metrics", bearer: token)
        let dropped = (try metrics.json()["totals"] as? [String: Any])?["droppedTotal"] as? Int ?? 0
        #expect(dropped > 0 && dropped < lows, "dropped \(dropped)")
        // Every low event is either delivered or counted as dropped; what is kept stays in order.
        while low.count < lows - dropped {
            let message = try await slow.next(type: "event")
            low.append(try #require((message["data"] as? [String: Any])?["n"] as? Int))
        }
        #expect(low == low.sorted())
        #expect(Set(low).count == low.count)
        await node.killNow()   // the slow reader never answers a close handshake
    }
}
