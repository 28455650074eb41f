import Auth
import Coordination
import Foundation
import Storage
import Testing
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
            "COORD_REDIS_URL": "redis://127.0.0.1:\(ClosedPort.find())",
            "COORD_DATABASE_URL": "postgres://postgres@127.0.0.1:\(ClosedPort.find())/postgres",
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

/// A loopback port with no listener, for "dependency is down" cases and for servers a test starts.
/// Chosen below the kernel's ephemeral range (32768+): a client reconnecting to an ephemeral port can
/// connect to itself, and the kernel may hand the port to someone else meanwhile.
enum ClosedPort {
    static func find() -> Int {
        for _ in 0..<1_000 {
            let port = Int.random(in: 20_000..<32_000)
            if !LoopbackPort.accepts(port) && LoopbackPort.canBind(port) { return port }
        }
        return 31_999
    }
}

/// Probes of a TCP port on 127.0.0.1 with a throwaway socket.
enum LoopbackPort {
    /// Something listens there.
    static func accepts(_ port: Int) -> Bool { withSocket(port) { fd, address, length in connect(fd, address, length) == 0 } }

    /// Nothing holds it (bind would succeed).
    static func canBind(_ port: Int) -> Bool { withSocket(port) { fd, address, length in bind(fd, address, length) == 0 } }

    private static func withSocket(_ port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
