import Auth
import Foundation
import Testing
import TestSupport
@testable import Node

/// A node whose Redis dies and comes back: it keeps serving, says what is missing, answers 503 with
/// Retry-After on routes that need Redis, and recovers by itself.
@Suite struct NodeDependencyRestartTests {
    @Test func redisKilledAndRestartedWhileTheNodeRuns() async throws {
        let redisPort = LoopbackPort.free()
        var redis = try await RedisServerProcess(port: redisPort)
        let id = "restart-\(UInt32.random(in: 0...UInt32.max))"
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: id, extra: [
            "COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)",
        ]))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        let token = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .user, expiresAt: Date().addingTimeInterval(120)))
        #expect(try await eventually { try await TestHTTP.request(base + "/readyz").status == 200 })

        redis.kill()
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        let ready = try await TestHTTP.request(base + "/readyz")
        #expect(ready.status == 503)
        // The fan-out connection is on the same Redis: it is down too, and readiness says so.
        #expect(try ready.json()["missing"] as? [String] == ["pubsub", "redis"])
        let status = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token)
        #expect(status.status == 503)
        #expect(status.header("Retry-After") != nil)
        #expect(ContinuousClock.now - started < .seconds(5), "answers must not hang while Redis is down")
        #expect(try await TestHTTP.request(base + "/healthz").status == 200)

        try await Task.sleep(for: .milliseconds(200))
        redis = try await RedisServerProcess(port: redisPort)
        defer { redis.kill() }
        #expect(try await eventually(timeout: .seconds(20)) {
            try await TestHTTP.request(base + "/readyz").status == 200
        }, "\(node.log)")
        // The heartbeat comes back too: the node reappears in the cluster view of its Redis.
        #expect(try await eventually(timeout: .seconds(10)) {
            let reply = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token)
            let nodes = try reply.json()["nodes"] as? [[String: Any]] ?? []
            return nodes.contains { $0["id"] as? String == id }
        })
        await node.stop()
        #expect(node.process.terminationStatus == 0)
    }
}
