import Auth
import Foundation
import Testing
import TestSupport
@testable import Node

/// Realtime through a Redis outage: publishing answers 503 with Retry-After, joining a room says it is
/// unavailable, open sockets stay open, and after Redis returns the node resubscribes by itself and
/// events reach the sockets that were already subscribed (live, or from history if they were
/// published before the node's pub/sub connection came back).
@Suite struct RealtimeRedisRestartTests {
    @Test func subscribersSurviveARedisRestart() async throws {
        let redisPort = LoopbackPort.free()
        var redis = try await RedisServerProcess(port: redisPort)
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "rt-restart-\(UInt32.random(in: 0...UInt32.max))", extra: [
            "COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)",
        ]))
        let port = try await node.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let token = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .manager, expiresAt: Date().addingTimeInterval(300)))
        func publish(_ n: Int) async throws -> TestHTTP.Reply {
            try await TestHTTP.request(base + "/api/v1/realtime/publish", method: "POST", bearer: token,
                                       headers: ["Content-Type": "application/json"],
                                       body: Data(#"{"room":"rate_limit_alerts","event":"tick","data":{"n":\#(n)}}"#.utf8))
        }

        let client = try await RealtimeTestClient.connect(port: port, token: token, timeoutSeconds: 20)
        try await client.send(#"{"type":"subscribe","room":"rate_limit_alerts"}"#)
        _ = try await client.next(type: "subscribed")
        #expect(try await publish(1).status == 200)
        #expect((try await client.next(type: "event")["data"] as? [String: Any])?["n"] as? Int == 1)

        redis.kill()
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        let refused = try await publish(2)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
        #expect(ContinuousClock.now - started < .seconds(5), "must not hang while Redis is down")
        try await client.send(#"{"type":"subscribe","room":"cost_monitoring"}"#)
        let unavailable = try await client.next(type: "error")
        #expect(unavailable["code"] as? String == "unavailable")
        try await client.send(#"{"type":"ping"}"#)
        _ = try await client.next(type: "pong")

        redis = try await RedisServerProcess(port: redisPort)
        defer { redis.kill() }
        #expect(try await eventually(timeout: .seconds(20)) { try await publish(3).status == 200 }, "\(node.log)")
        let event = try await client.next(type: "event")
        #expect((event["data"] as? [String: Any])?["n"] as? Int == 3, "\(event)")
        #expect(try await publish(4).status == 200)
        #expect((try await client.next(type: "event")["data"] as? [String: Any])?["n"] as? Int == 4)
        await node.stop()
        #expect(node.process.terminationStatus == 0)
    }
}
