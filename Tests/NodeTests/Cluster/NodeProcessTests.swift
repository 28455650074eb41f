import Auth
import Coordination
import Foundation
import Storage
import Testing
import TestSupport
@testable import Node

/// Real `coordinator serve` processes against the real Redis and PostgreSQL of the test script.
@Suite struct NodeProcessTests {
    func token(_ role: Role, expiresIn: TimeInterval = 600) throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "tester", role: role, expiresAt: Date().addingTimeInterval(expiresIn)))
    }

    @Test func servesHealthReadinessMetricsAndStatus() async throws {
        let id = "t-\(UInt32.random(in: 0...UInt32.max))"
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: id))
        let port = try await node.waitForPort()
        let base = "http://127.0.0.1:\(port)"

        let health = try await TestHTTP.request(base + "/healthz")
        #expect(health.status == 200)
        #expect(health.header("X-Coordinator-Node") == id)
        #expect(health.header("X-Request-Id") != nil)

        // Ready once migrations are confirmed (a moment after start).
        #expect(try await eventually(timeout: .seconds(20)) { try await TestHTTP.request(base + "/readyz").status == 200 }, "\(node.log)")
        let ready = try await TestHTTP.request(base + "/readyz")
        #expect(try ready.json()["missing"] as? [String] == [])

        let status = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token(.user))
        #expect(status.status == 200)
        let nodes = try status.json()["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.contains { $0["id"] as? String == id })
        let services = try status.json()["services"] as? [[String: Any]] ?? []
        let stripe = services.first { $0["name"] as? String == "stripe" }
        #expect(stripe?["maxBatchSize"] as? Int == 100)
        #expect(stripe?["dailyLimitMicros"] as? Int == 2_000_000)

        let denied = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token(.user, expiresIn: -60))
        #expect(denied.status == 401)
        #expect(try denied.json()["error"] as? [String: Any] != nil)

        let metrics = try await TestHTTP.request(base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("coordinator_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"))
        #expect(metrics.text.contains("coordinator_http_request_duration_seconds_bucket"))
        // At least this test's own connection is open while it asks.
        let open = metrics.text.split(separator: "\n").first { $0.hasPrefix("coordinator_open_connections ") }
        #expect(open.flatMap { Int($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "\(open ?? "missing")")
        #expect(metrics.text.contains("coordinator_websocket_connections 0\n"))

        let page = try await TestHTTP.request(base + "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("/api/v1/external-services/status"))

        let missing = try await TestHTTP.request(base + "/nope")
        #expect(missing.status == 404)

        // SIGTERM: a clean exit that leaves the cluster view at once.
        await node.stop()
        #expect(node.process.terminationStatus == 0, "\(node.log)")
        let redis = try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
        let live = try await ClusterMembershipProbe.liveIDs(redis)
        #expect(!live.contains(id))
        await redis.shutdown()
    }

    @Test func dependencyDownMeans503WithRetryAfterNotAHang() async throws {
        // Nothing listens on these ports: Redis and PostgreSQL are "down" from the start.
        let env = try TestEnvironment.nodeEnvironment(id: "down-\(UInt32.random(in: 0...UInt32.max))", extra: [
            "COORD_REDIS_URL": "redis://127.0.0.1:\(LoopbackPort.free())",
            "COORD_DATABASE_URL": "postgres://postgres@127.0.0.1:\(LoopbackPort.free())/postgres",
        ])
        let node = try NodeProcess(environment: env)
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        #expect(try await TestHTTP.request(base + "/healthz").status == 200)

        let started = ContinuousClock.now
        let ready = try await TestHTTP.request(base + "/readyz")
        #expect(ready.status == 503)
        #expect(ready.header("Retry-After") != nil)
        #expect(Set(try ready.json()["missing"] as? [String] ?? []) == ["redis", "postgres", "migrations", "pubsub"])

        let status = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token(.user))
        #expect(status.status == 503)
        #expect(status.header("Retry-After") != nil)
        #expect((try status.json()["error"] as? [String: Any])?["code"] as? String == "unavailable")
        #expect(ContinuousClock.now - started < .seconds(8))
        await node.stop()
        #expect(node.process.terminationStatus == 0)
    }

    @Test func sigtermDrainsThenExits() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(
            id: "drain-\(UInt32.random(in: 0...UInt32.max))", extra: ["COORD_DRAIN_SECONDS": "2"]))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        #expect(try await eventually(timeout: .seconds(20)) { try await TestHTTP.request(base + "/readyz").status == 200 })
        node.signal(SIGTERM)
        // While draining: still serving, but not ready, so the balancer sends no new work.
        #expect(try await eventually(timeout: .seconds(2)) {
            let ready = try await TestHTTP.request(base + "/readyz")
            let missing = try ready.json()["missing"] as? [String] ?? []
            return ready.status == 503 && missing.contains("draining")
        })
        #expect(try await TestHTTP.request(base + "/healthz").status == 200)
        #expect(await node.waitForExit(timeout: .seconds(20)) == 0, "\(node.log)")
        #expect(node.log.contains("\"msg\":\"draining\""))
        // The last line before exit is not lost with the background log writer.
        #expect(node.log.contains("\"msg\":\"stopped\""))
    }

    @Test func badConfigurationExitsWithTheVariableNamed() async throws {
        var env = try TestEnvironment.nodeEnvironment(id: "bad")
        env["COORD_HTTP_PORT"] = "not-a-port"
        let node = try NodeProcess(environment: env)
        let status = await node.waitForExit()
        #expect(status == 2)
        #expect(node.log.contains("COORD_HTTP_PORT"))

        env = try TestEnvironment.nodeEnvironment(id: "bad2")
        env["COORD_JWT_SECRET"] = nil
        let second = try NodeProcess(environment: env)
        #expect(await second.waitForExit() == 2)
        #expect(second.log.contains("COORD_JWT_SECRET"))
    }
}

/// Reads the cluster view the way any node does (the nodes use the default key space).
enum ClusterMembershipProbe {
    static func liveIDs(_ redis: RedisClient) async throws -> [String] {
        try await ClusterMembership(redis: redis).liveNodes().map(\.id)
    }
}
