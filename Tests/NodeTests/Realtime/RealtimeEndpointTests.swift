import Auth
import Foundation
import Testing
import TestSupport
@testable import Node

/// The realtime WebSocket and publish endpoint on real nodes, against the test script's Redis.
@Suite struct RealtimeEndpointTests {
    func token(_ role: Role, expiresIn: TimeInterval = 600) throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "rt-\(role)", role: role, expiresAt: Date().addingTimeInterval(expiresIn)))
    }

    func publish(_ base: String, room: String, event: String = "update", data: String = #"{"n":1}"#,
                 priority: String? = nil, role: Role = .manager) async throws -> TestHTTP.Reply {
        var body = #"{"room":"\#(room)","event":"\#(event)","data":\#(data)"#
        if let priority { body += #","priority":"\#(priority)""# }
        body += "}"
        return try await TestHTTP.request(base + "/api/v1/realtime/publish", method: "POST", bearer: token(role),
                                          headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    func startNode(_ id: String) async throws -> (NodeProcess, Int) {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: id))
        return (node, try await node.waitForPort())
    }

    @Test func handshakeNeedsAValidToken() async throws {
        let (node, port) = try await startNode("rt-auth-\(UInt32.random(in: 0...UInt32.max))")
        let none = try await RealtimeTestClient.connect(port: port, token: nil)
        #expect(none.handshakeStatus == 401)
        let expired = try await RealtimeTestClient.connect(port: port, token: token(.user, expiresIn: -60))
        #expect(expired.handshakeStatus == 401)
        let header = try await RealtimeTestClient.connect(port: port, token: token(.user))
        #expect(header.handshakeStatus == 101, "\(header.handshakeHead)")
        // Browsers cannot set headers on a WebSocket: the query token is accepted here (only here).
        let query = try await RealtimeTestClient.connect(port: port, token: token(.user), inQuery: true)
        #expect(query.handshakeStatus == 101, "\(query.handshakeHead)")
        try await query.send(#"{"type":"ping"}"#)
        #expect(try await query.next()?["type"] as? String == "pong")
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await node.killNow()
    }

    @Test func configuredOriginsGuardTheHandshake() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(
            id: "rt-origin-\(UInt32.random(in: 0...UInt32.max))", extra: ["COORD_CORS_ORIGINS": "https://dash.example"]))
        let port = try await node.waitForPort()
        let foreign = try await RealtimeTestClient.connect(port: port, token: token(.user), origin: "https://evil.example")
        #expect(foreign.handshakeStatus == 403)
        let allowed = try await RealtimeTestClient.connect(port: port, token: token(.user), origin: "https://dash.example")
        #expect(allowed.handshakeStatus == 101)
        // Not a browser (no Origin): tokens, not cookies, authenticate, so it may connect.
        let backend = try await RealtimeTestClient.connect(port: port, token: token(.user))
        #expect(backend.handshakeStatus == 101)
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await node.killNow()
    }

    @Test func subscribeChecksRoomsRolesAndInput() async throws {
        let (node, port) = try await startNode("rt-rooms-\(UInt32.random(in: 0...UInt32.max))")
        let client = try await RealtimeTestClient.connect(port: port, token: token(.user))
        #expect(client.handshakeStatus == 101)

        try await client.send("not json")
        #expect(try await client.next()?["code"] as? String == "invalid_message")
        try await client.send(#"{"type":"dance"}"#)
        #expect(try await client.next()?["code"] as? String == "invalid_message")
        try await client.send(#"{"type":"subscribe"}"#)
        #expect(try await client.next()?["code"] as? String == "missing_field")
        try await client.send(#"{"type":"subscribe","room":"nope"}"#)
        let unknown = try await client.next()
        #expect(unknown?["code"] as? String == "unknown_room")
        #expect(unknown?["room"] as? String == "nope")
        // A user may not join a manager room.
        try await client.send(#"{"type":"subscribe","room":"cost_monitoring"}"#)
        #expect(try await client.next()?["code"] as? String == "forbidden")
        try await client.send(#"{"type":"subscribe","room":"api_status_updates","since":"yesterday"}"#)
        #expect(try await client.next()?["code"] as? String == "invalid_since")

        try await client.send(#"{"type":"subscribe","room":"api_status_updates"}"#)
        let subscribed = try await client.next()
        #expect(subscribed?["type"] as? String == "subscribed")
        #expect(subscribed?["room"] as? String == "api_status_updates")
        #expect(subscribed?["missed"] as? Int == 0)
        try await client.send(#"{"type":"subscribe","room":"api_status_updates"}"#)
        #expect(try await client.next()?["code"] as? String == "already_subscribed")
        try await client.send(#"{"type":"unsubscribe","room":"api_status_updates"}"#)
        #expect(try await client.next()?["type"] as? String == "unsubscribed")
        try await client.send(#"{"type":"unsubscribe","room":"api_status_updates"}"#)
        #expect(try await client.next()?["code"] as? String == "not_subscribed")
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await node.killNow()
    }

    @Test func publishValidatesAndNeedsManager() async throws {
        let (node, port) = try await startNode("rt-pub-\(UInt32.random(in: 0...UInt32.max))")
        let base = "http://127.0.0.1:\(port)"
        #expect(try await publish(base, room: "api_status_updates", role: .user).status == 403)
        let unknown = try await publish(base, room: "nope")
        #expect(unknown.status == 400)
        #expect((try unknown.json()["error"] as? [String: Any])?["field"] as? String == "room")
        let badEvent = try await publish(base, room: "api_status_updates", event: "has space")
        #expect((try badEvent.json()["error"] as? [String: Any])?["field"] as? String == "event")
        let badPriority = try await publish(base, room: "api_status_updates", priority: "urgent")
        #expect(badPriority.status == 400)
        #expect((try badPriority.json()["error"] as? [String: Any])?["field"] as? String == "priority")
        let noData = try await TestHTTP.request(base + "/api/v1/realtime/publish", method: "POST", bearer: token(.manager),
                                                headers: ["Content-Type": "application/json"],
                                                body: Data(#"{"room":"api_status_updates","event":"x"}"#.utf8))
        #expect((try noData.json()["error"] as? [String: Any])?["field"] as? String == "data")
        let huge = String(repeating: "a", count: 70_000)
        #expect(try await publish(base, room: "api_status_updates", data: "\"\(huge)\"").status == 413)
        let ok = try await publish(base, room: "api_status_updates", priority: "high")
        #expect(ok.status == 200, "\(ok.text)")
        #expect((try ok.json()["id"] as? String).flatMap { $0.contains("-") ? $0 : nil } != nil)
        #expect(try ok.json()["priority"] as? String == "high")
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await node.killNow()
    }

    /// An event published on one node reaches subscribers on another (Redis pub/sub), exactly once,
    /// with the fields of the contract; a resubscribe with `since` recovers what was missed, in order.
    @Test func eventsFanOutAcrossNodesAndRecoverWithSince() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let (nodeA, portA) = try await startNode("rt-a-\(suffix)")
        let (nodeB, portB) = try await startNode("rt-b-\(suffix)")
        let room = "cost_monitoring"

        let watcher = try await RealtimeTestClient.connect(port: portB, token: token(.manager))
        try await watcher.send(#"{"type":"subscribe","room":"\#(room)"}"#)
        #expect(try await watcher.next(type: "subscribed")["room"] as? String == room)

        let first = try await publish("http://127.0.0.1:\(portA)", room: room, event: "alert",
                                      data: #"{"service":"stripe","spentMicros":1500000,"ok":true}"#, priority: "critical")
        #expect(first.status == 200, "\(first.text)")
        let event = try await watcher.next(type: "event")
        let firstID = try #require(event["id"] as? String)
        #expect(firstID == (try first.json()["id"] as? String))
        #expect(event["room"] as? String == room)
        #expect(event["event"] as? String == "alert")
        #expect(event["priority"] as? String == "critical")
        #expect(event["ts"] as? Int != nil)
        let data = event["data"] as? [String: Any]
        #expect(data?["spentMicros"] as? Int == 1_500_000)
        #expect(data?["ok"] as? Bool == true)

        // The watcher goes away; three events happen; it comes back with `since` on the other node.
        watcher.close()
        var published: [String] = []
        for n in 1...3 {
            let reply = try await publish("http://127.0.0.1:\(portB)", room: room, data: #"{"n":\#(n)}"#)
            published.append(try #require(try reply.json()["id"] as? String))
        }
        let back = try await RealtimeTestClient.connect(port: portA, token: token(.manager))
        try await back.send(#"{"type":"subscribe","room":"\#(room)","since":"\#(firstID)"}"#)
        let resubscribed = try await back.next(type: "subscribed")
        #expect(resubscribed["recovered"] as? Bool == true)
        #expect(resubscribed["missed"] as? Int == 3)
        var recovered: [String] = []
        for _ in 1...3 { recovered.append(try #require(try await back.next(type: "event")["id"] as? String)) }
        #expect(recovered == published)
        // Then live events follow, once each.
        let live = try await publish("http://127.0.0.1:\(portB)", room: room, data: #"{"n":4}"#)
        #expect(try await back.next(type: "event")["id"] as? String == (try live.json()["id"] as? String))

        // A `since` older than what history holds cannot promise completeness.
        let stale = try await RealtimeTestClient.connect(port: portA, token: token(.manager))
        try await stale.send(#"{"type":"subscribe","room":"\#(room)","since":"0-0"}"#)
        let partial = try await stale.next(type: "subscribed")
        #expect(partial["recovered"] as? Bool == false)
        #expect((partial["missed"] as? Int ?? 0) >= 5)

        let metrics = try await TestHTTP.request("http://127.0.0.1:\(portA)/api/v1/external-services/realtime-metrics",
                                                 bearer: token(.user))
        #expect(metrics.status == 200, "\(metrics.text)")
        let nodes = try metrics.json()["nodes"] as? [[String: Any]] ?? []
        let a = nodes.first { $0["nodeId"] as? String == "rt-a-\(suffix)" }
        #expect(a?["connections"] as? Int == 2)
        #expect((a?["rooms"] as? [String: Any])?[room] as? Int == 2)
        let prometheus = try await TestHTTP.request("http://127.0.0.1:\(portA)/metrics").text
        #expect(prometheus.contains("coordinator_realtime_connections 2\n"), "\(prometheus)")
        #expect(prometheus.contains("coordinator_realtime_room_subscribers{room=\"\(room)\"} 2\n"))
        #expect(prometheus.contains("coordinator_realtime_room_subscribers{room=\"api_status_updates\"} 0\n"))
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await nodeA.killNow()
        await nodeB.killNow()
    }

    /// Nodes announce themselves in api_status_updates: dashboards see the cluster change live.
    @Test func nodesAnnounceJoiningAndLeaving() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let (nodeA, portA) = try await startNode("rt-watch-\(suffix)")
        let client = try await RealtimeTestClient.connect(port: portA, token: token(.user), timeoutSeconds: 20)
        try await client.send(#"{"type":"subscribe","room":"api_status_updates"}"#)
        _ = try await client.next(type: "subscribed")
        let (nodeB, _) = try await startNode("rt-joiner-\(suffix)")
        func next(_ name: String) async throws -> Bool {
            while true {
                let event = try await client.next(type: "event")
                if event["event"] as? String == name, (event["data"] as? [String: Any])?["nodeId"] as? String == "rt-joiner-\(suffix)" {
                    return true
                }
            }
        }
        #expect(try await next("node.joined"))
        await nodeB.stop()
        #expect(try await next("node.left"))
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await nodeA.killNow()
    }

    /// A long replay of mixed priorities arrives whole and in id order (not shed, not reordered by
    /// priority), before the live events that follow it.
    @Test func longMixedPriorityReplayArrivesWholeAndInOrder() async throws {
        let (node, port) = try await startNode("rt-replay-\(UInt32.random(in: 0...UInt32.max))")
        let base = "http://127.0.0.1:\(port)"
        let room = "batching_performance"
        let first = try await publish(base, room: room, data: #"{"n":0}"#)
        let since = try #require(try first.json()["id"] as? String)
        let priorities = ["low", "critical", "medium", "high"]
        var published: [String] = []
        for n in 1...300 {
            let reply = try await publish(base, room: room, data: #"{"n":\#(n)}"#, priority: priorities[n % 4])
            published.append(try #require(try reply.json()["id"] as? String))
        }
        let client = try await RealtimeTestClient.connect(port: port, token: token(.user), timeoutSeconds: 10)
        try await client.send(#"{"type":"subscribe","room":"\#(room)","since":"\#(since)"}"#)
        let subscribed = try await client.next(type: "subscribed")
        #expect(subscribed["recovered"] as? Bool == true)
        #expect(subscribed["missed"] as? Int == 300)
        var received: [String] = []
        for _ in 1...300 { received.append(try #require(try await client.next(type: "event")["id"] as? String)) }
        #expect(received == published)
        let live = try await publish(base, room: room, data: #"{"n":301}"#, priority: "low")
        #expect(try await client.next(type: "event")["id"] as? String == (try live.json()["id"] as? String))
        // An expired token (inside the verifier's leeway) is refused at the handshake, not accepted and closed.
        let stale = try await RealtimeTestClient.connect(port: port, token: token(.user, expiresIn: -5))
        #expect(stale.handshakeStatus == 401)
        await node.killNow()
    }

    /// A client past its message budget gets one `rate_limited` error per run of refusals and its
    /// messages are ignored; the budget refills; one that keeps flooding is closed with 1008.
    @Test func clientMessagesAreRateLimitedPerConnection() async throws {
        let (node, port) = try await startNode("rt-budget-\(UInt32.random(in: 0...UInt32.max))")
        let client = try await RealtimeTestClient.connect(port: port, token: token(.user))
        #expect(client.handshakeStatus == 101)
        for _ in 0..<30 { try await client.send(#"{"type":"ping"}"#) }
        try await Task.sleep(for: .milliseconds(1_100))
        // Allowed again after the refill; its answer marks the end of the burst's answers.
        try await client.send(#"{"type":"subscribe","room":"zz-marker"}"#)
        var pongs = 0
        var limited = 0
        while true {
            guard let message = try await client.next() else { throw RealtimeTestClient.Failure(description: "closed early") }
            if message["type"] as? String == "pong" { pongs += 1 }
            if message["code"] as? String == "rate_limited" { limited += 1 }
            if message["room"] as? String == "zz-marker" {
                #expect(message["code"] as? String == "unknown_room")
                break
            }
        }
        #expect((20...22).contains(pongs), "\(pongs) pongs for 30 pings sent at once")
        #expect(limited == 1, "one rate_limited error per run of refusals, got \(limited)")

        let flooder = try await RealtimeTestClient.connect(port: port, token: token(.user))
        for _ in 0..<(20 + RealtimeSession.closeAfterRefused + 20) { try await flooder.send(#"{"type":"ping"}"#) }
        while try await flooder.next() != nil {}
        #expect(flooder.closeCode == 1008)
        await node.killNow()
    }

    @Test func tokenExpiryClosesTheSocket() async throws {
        let (node, port) = try await startNode("rt-exp-\(UInt32.random(in: 0...UInt32.max))")
        let client = try await RealtimeTestClient.connect(port: port, token: token(.user, expiresIn: 2))
        #expect(client.handshakeStatus == 101)
        // The verifier's leeway admits it a little past exp; the session closes at exp with 1008.
        #expect(try await client.next() == nil)
        #expect(client.closeCode == 1008)
        // Ended here, not in a deferred Task: a Task still pending when the test process exits never
        // runs, and the node would outlive the test run (on a thrown error, deinit kills it). Killed,
        // not stopped: a graceful stop waits for these test sockets' close handshakes.
        await node.killNow()
    }
}
