import Auth
import Foundation
import Synchronization
import Testing
import TestSupport

/// `POST /check-rate-limit` and `GET /:service/rate-limit` on real nodes: the contract's answers,
/// bad input refused and changing nothing, and across three nodes behind HAProxy no interval of a
/// tier's window ever admits more than its limit (each test has its own key prefix, so its own
/// counters in the shared test Redis).
@Suite struct RateLimitEndpointTests {
    static func token() throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "rl", role: .user, expiresAt: Date().addingTimeInterval(300)))
    }

    static func check(_ base: String, _ token: String, _ body: String) async throws -> TestHTTP.Reply {
        try await TestHTTP.request(base + "/api/v1/external-services/check-rate-limit", method: "POST", bearer: token,
                                   headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    final class Admitted: Sendable {
        let list = Mutex<[(Int64, Int)]>([])
        let denied = Atomic<Int>(0)
    }

    @Test func decisionsBadInputAndState() async throws {
        let prefix = "rl\(UInt32.random(in: 0...UInt32.max))"
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "rl-\(prefix)", extra: ["COORD_KEY_PREFIX": prefix]))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        let token = try Self.token()
        // airtable: burst 5 per second, sustained 100 per minute.
        let first = try await Self.check(base, token, #"{"service":"airtable","units":4}"#)
        #expect(first.status == 200)
        let json = try first.json()
        #expect(json["allowed"] as? Bool == true)
        #expect(json["deniedBy"] == nil)
        let tiers = json["tiers"] as? [[String: Any]] ?? []
        #expect(tiers.map { $0["name"] as? String } == ["burst", "sustained"])
        #expect(tiers.map { $0["used"] as? Int } == [4, 4])
        #expect(tiers.map { $0["limit"] as? Int } == [5, 100])

        let peek = try await Self.check(base, token, #"{"service":"airtable","units":2,"consume":false}"#).json()
        #expect(peek["allowed"] as? Bool == false)
        #expect(peek["deniedBy"] as? String == "burst")
        #expect((peek["retryAfterMs"] as? Int).map { (1...1_000).contains($0) } == true)

        // Refused input changes nothing: 404, 400s, 401.
        #expect(try await Self.check(base, token, #"{"service":"nope"}"#).status == 404)
        #expect(try await Self.check(base, token, #"{"service":"airtable","units":0}"#).status == 400)
        #expect(try await Self.check(base, token, #"{"service":"airtable","units":"1"}"#).status == 400)
        #expect(try await Self.check(base, token, #"{"service":"airtable","priority":"urgent"}"#).status == 400)
        let cost = try await Self.check(base, token, #"{"service":"airtable","costMicros":-5}"#)
        #expect(cost.status == 400)
        #expect(cost.text.contains("costMicros"))
        #expect(try await Self.check(base, "not-a-token", #"{"service":"airtable"}"#).status == 401)
        let state = try await TestHTTP.request(base + "/api/v1/external-services/airtable/rate-limit", bearer: token)
        #expect(state.status == 200)
        let used = (try state.json()["tiers"] as? [[String: Any]] ?? []).prefix(2).map { $0["used"] as? Int }
        #expect(used == [4, 4], "refused requests changed the counters: \(used)")
        #expect(try await TestHTTP.request(base + "/api/v1/external-services/nope/rate-limit", bearer: token).status == 404)
        await node.stop()
    }

    @Test func redisDownFailsClosed() async throws {
        let redisPort = LoopbackPort.free()
        let redis = try await RedisServerProcess(port: redisPort)
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "rl-down-\(redisPort)", extra: [
            "COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)",
        ]))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        let token = try Self.token()
        #expect(try await eventually { try await Self.check(base, token, #"{"service":"stripe"}"#).status == 200 })
        redis.kill()
        let started = ContinuousClock.now
        let down = try await Self.check(base, token, #"{"service":"stripe"}"#)
        #expect(down.status == 503)
        #expect(down.header("Retry-After") != nil)
        #expect(ContinuousClock.now - started < .seconds(5))
        await node.stop()
    }

    @Test func threeNodesNeverOverAdmit() async throws {
        let prefix = "rl\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix, extra: ["COORD_KEY_PREFIX": prefix])
        let seen = try await cluster.waitUntilEveryNodeServes()
        try #require(seen.count == 3, "\(cluster.logs)")
        let token = try Self.token()
        let admitted = Admitted()
        let deadline = ContinuousClock.now + .seconds(3)
        // twilio: burst 10 per second, sustained 100 per minute; weighted units 1-3 from 12 clients.
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<12 {
                let base = cluster.baseURL
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(client))
                    while ContinuousClock.now < deadline {
                        let units = Int(generator.next() % 3) + 1
                        guard let reply = try? await Self.check(base, token, #"{"service":"twilio","units":\#(units)}"#),
                              reply.status == 200, let json = try? reply.json(), let at = json["at"] as? Int else { continue }
                        if json["allowed"] as? Bool == true {
                            admitted.list.withLock { $0.append((Int64(at), units)) }
                        } else {
                            admitted.denied.wrappingAdd(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        let all = admitted.list.withLock { $0 }.sorted { $0.0 < $1.0 }
        #expect(admitted.denied.load(ordering: .relaxed) > 0, "the load never reached the limit")
        var worst = 0, end = 0, sum = 0
        for start in all.indices {
            while end < all.count && all[end].0 < all[start].0 + 1_000 { sum += all[end].1; end += 1 }
            worst = max(worst, sum)
            sum -= all[start].1
        }
        #expect(worst <= 10, "a 1 s interval admitted \(worst) units across three nodes (limit 10)")
        #expect(all.reduce(0) { $0 + $1.1 } <= 100)
        // Saturated for 3 s at 10 per second: at least 95% of 3 full windows.
        #expect(all.reduce(0) { $0 + $1.1 } >= 28, "admitted only \(all.reduce(0) { $0 + $1.1 })")
        await cluster.stop()
    }
}

/// A throttled service reaches dashboards in the `rate_limit_alerts` room, once.
@Suite struct RateLimitAlertRoomTests {
    @Test func throttledAlertReachesTheRoomOnce() async throws {
        let prefix = "rla\(UInt32.random(in: 0...UInt32.max))"
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "rla-\(prefix)", extra: ["COORD_KEY_PREFIX": prefix]))
        let port = try await node.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let manager = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "dash", role: .manager, expiresAt: Date().addingTimeInterval(300)))
        let socket = try await RealtimeTestClient.connect(port: port, token: manager)
        try await socket.send(#"{"type":"subscribe","room":"rate_limit_alerts"}"#)
        _ = try await socket.next(type: "subscribed")
        let token = try RateLimitEndpointTests.token()
        // airtable: burst 5 per second. 4 calls: near_limit; 6 more: throttled once.
        for _ in 0..<10 { _ = try await RateLimitEndpointTests.check(base, token, #"{"service":"airtable"}"#) }
        let near = try await socket.next(type: "event")
        #expect(near["event"] as? String == "rate_limit.near_limit")
        let throttled = try await socket.next(type: "event")
        #expect(throttled["event"] as? String == "rate_limit.throttled")
        #expect(throttled["priority"] as? String == "high")
        let data = throttled["data"] as? [String: Any]
        #expect(data?["service"] as? String == "airtable")
        #expect(data?["tier"] as? String == "burst")
        socket.close()
        await node.stop()
    }
}
