import Auth
import Coordination
import Foundation
import HTTP
import Storage
import Synchronization
import Testing
import TestSupport
@testable import Node

/// The per-client limit (`COORD_CLIENT_RATE_LIMIT_PER_MINUTE`) on real nodes: the contract's 429,
/// the WebSocket handshake counted as a request, other clients untouched, exact across three nodes,
/// off at 0, fail closed without Redis. Each test has its own key prefix (its own client windows in
/// the shared test Redis).
@Suite struct ClientRateLimitTests {
    static let status = "/api/v1/external-services/status"

    /// Answers by status, from every caller.
    final class Statuses: Sendable {
        let counts = Mutex<[Int: Int]>([:])
    }

    static func token(_ sub: String, _ role: Role = .user) throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: sub, role: role, expiresAt: Date().addingTimeInterval(300)))
    }

    static func prefix() -> String { "crl\(UInt32.random(in: 0...UInt32.max))" }

    static func node(prefix: String, limit: String, extra: [String: String] = [:]) throws -> NodeProcess {
        var environment = extra
        environment["COORD_KEY_PREFIX"] = prefix
        environment["COORD_CLIENT_RATE_LIMIT_PER_MINUTE"] = limit
        return try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "crl-\(prefix)", extra: environment))
    }

    @Test func pastTheLimitA429InTheContractsFormat() async throws {
        let prefix = Self.prefix()
        let node = try Self.node(prefix: prefix, limit: "20")
        let port = try await node.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let alice = try Self.token("alice")
        for index in 0..<19 {
            let reply = try await TestHTTP.request(base + Self.status, bearer: alice)
            #expect(reply.status == 200, "request \(index + 1): \(reply.text)")
        }
        // The WebSocket handshake is one request: the 20th, still admitted.
        let socket = try await RealtimeTestClient.connect(port: port, token: alice)
        #expect(socket.handshakeStatus == 101, "\(socket.handshakeHead)")
        socket.close()

        let refused = try await TestHTTP.request(base + Self.status, bearer: alice, headers: ["X-Request-Id": "crl-21st"])
        #expect(refused.status == 429, "\(refused.text)")
        // Rounded up from the time until the first request leaves the minute.
        let retryAfter = try #require(refused.header("Retry-After").flatMap { Int($0) })
        #expect((50...60).contains(retryAfter), "Retry-After \(retryAfter)")
        #expect(refused.header("Content-Type")?.hasPrefix("application/json") == true)
        let json = try refused.json()
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["code"] as? String == "rate_limited")
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(json["requestId"] as? String == "crl-21st")
        // Every /api/v1 route and the handshake are refused alike, whatever the role.
        let handshake = try await RealtimeTestClient.connect(port: port, token: alice)
        #expect(handshake.handshakeStatus == 429, "\(handshake.handshakeHead)")
        handshake.close()
        let check = try await TestHTTP.request(base + "/api/v1/external-services/check-rate-limit", method: "POST", bearer: alice,
                                               headers: ["Content-Type": "application/json"], body: Data(#"{"service":"stripe"}"#.utf8))
        #expect(check.status == 429)

        // Another client is untouched, and a bad token is still a 401 (authentication comes first).
        #expect(try await TestHTTP.request(base + Self.status, bearer: Self.token("bob")).status == 200)
        #expect(try await TestHTTP.request(base + Self.status, bearer: "not-a-token").status == 401)
        // Operations routes are outside /api/v1: never limited.
        #expect(try await TestHTTP.request(base + "/healthz").status == 200)

        let metrics = try await TestHTTP.request(base + "/metrics").text
        #expect(metrics.contains("\ncoordinator_client_rate_limited_total 3\n"), "\(metrics)")
        await node.stop()
    }

    /// 30 callers, 3 requests each, spread over three nodes: exactly the limit is admitted.
    @Test func exactAcrossThreeNodes() async throws {
        let prefix = Self.prefix()
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: [
            "COORD_KEY_PREFIX": prefix, "COORD_CLIENT_RATE_LIMIT_PER_MINUTE": "40",
        ])
        var bases: [String] = []
        for node in cluster.nodes { bases.append("http://127.0.0.1:\(try await node.waitForPort())") }
        let token = try Self.token("carol")
        let statuses = Statuses()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<30 {
                group.addTask { [bases] in
                    for request in 0..<3 {
                        let reply = try await TestHTTP.request(bases[(caller + request) % 3] + Self.status, bearer: token)
                        statuses.counts.withLock { $0[reply.status, default: 0] += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let counted = statuses.counts.withLock { $0 }
        #expect(counted == [200: 40, 429: 50], "\(counted)")
        // Another client still passes on every node.
        for base in bases { #expect(try await TestHTTP.request(base + Self.status, bearer: Self.token("dave")).status == 200) }
        await cluster.stop()
    }

    @Test func zeroTurnsItOff() async throws {
        let prefix = Self.prefix()
        let node = try Self.node(prefix: prefix, limit: "0")
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        let token = try Self.token("erin")
        for _ in 0..<30 { #expect(try await TestHTTP.request(base + Self.status, bearer: token).status == 200) }
        // No check at all: the client has no window in Redis.
        let redis = try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
        let keys = KeySpace(prefix: prefix).client("erin")
        #expect(try await redis.send("EXISTS", keys.rateLimitLog, keys.rateLimitState).integer == 0)
        await redis.shutdown()
        await node.stop()
    }

    @Test func aBadValueStopsTheNodeNamingTheVariable() async throws {
        let node = try Self.node(prefix: Self.prefix(), limit: "-5")
        #expect(await node.waitForExit() == 2)
        #expect(node.log.contains("COORD_CLIENT_RATE_LIMIT_PER_MINUTE"), "\(node.log)")
    }

    /// Redis down: 503 with Retry-After, even on the handshake, which needs Redis for nothing else.
    @Test func redisDownFailsClosed() async throws {
        let redisPort = LoopbackPort.free()
        let redis = try await RedisServerProcess(port: redisPort)
        let node = try Self.node(prefix: Self.prefix(), limit: "1000", extra: ["COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)"])
        let port = try await node.waitForPort()
        let token = try Self.token("frank")
        #expect(try await eventually {
            try await TestHTTP.request("http://127.0.0.1:\(port)" + Self.status, bearer: token).status == 200
        })
        redis.kill()
        let started = ContinuousClock.now
        let handshake = try await RealtimeTestClient.connect(port: port, token: token, timeoutSeconds: 10)
        #expect(handshake.handshakeStatus == 503, "\(handshake.handshakeHead)")
        #expect(handshake.handshakeHead.lowercased().contains("retry-after:"))
        #expect(ContinuousClock.now - started < .seconds(5))
        handshake.close()
        await node.stop()
    }

    /// Providers (webhook signatures) are not API clients, and a request no auth ran on is the
    /// route's to refuse: neither reaches Redis (a limit of 1 would refuse the second otherwise).
    @Test func onlyBearerPrincipalsAreCounted() async throws {
        let redis = try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
        let keys = KeySpace(prefix: Self.prefix())
        // Stands in for a group's own authentication: the principal the request names.
        let principal = ClosureMiddleware { request, context, next in
            var context = context
            if request.headers["x-provider"] != nil { context.principal = .provider(service: "stripe") }
            return await next(request, context)
        }
        var group = RouterGroup("/t", middleware: [principal])
        group.use(ClientRateLimitMiddleware(store: ClientRateLimitStore(redis: redis, keys: keys, limit: 1), metrics: MetricsRegistry()))
        group.get("/x") { _, _ in .text("ok") }
        var router = Router()
        router.add(group)
        let responder = router.build()
        for headers: HTTPHeaders in [["X-Provider": "1"], [:]] {
            for _ in 0..<3 {
                #expect(await responder.respond(to: HTTPRequest(method: "GET", target: "/t/x", headers: headers)).status == 200)
            }
        }
        #expect(try await redis.send("EXISTS", keys.client("provider:stripe").rateLimitLog, keys.client("stripe").rateLimitLog).integer == 0)
        await redis.shutdown()
    }

    @Test func retryAfterIsWholeSecondsRoundedUp() {
        let tier = RateLimitTier(name: ClientRateLimitStore.tierName, limit: 5, windowMs: 60_000)
        for (ms, seconds) in [(Int64(1), "1"), (999, "1"), (1_000, "1"), (1_001, "2"), (59_999, "60"), (0, "1")] {
            let error = ClientRateLimitMiddleware.error(retryAfterMs: ms, tier: tier)
            #expect(error.status == 429 && error.code == "rate_limited")
            #expect(error.headers["Retry-After"] == seconds, "\(ms) ms")
        }
        #expect(ClientRateLimitMiddleware.error(retryAfterMs: nil, tier: tier).headers["Retry-After"] == "60")
    }
}
