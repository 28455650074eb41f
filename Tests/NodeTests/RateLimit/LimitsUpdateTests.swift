import Auth
import Foundation
import Storage
import Testing
import TestSupport

/// PUT /:service/limits changes the limits of the whole cluster at once, audited in PostgreSQL, and
/// survives Redis losing its data (the nodes copy the durable values back).
@Suite struct LimitsUpdateTests {
    static func token(_ role: Role) throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "ops-\(role.rawValue)", role: role, expiresAt: Date().addingTimeInterval(300)))
    }

    static func put(_ base: String, _ role: Role, _ service: String, _ body: String, requestID: String = UUID().uuidString)
        async throws -> TestHTTP.Reply {
        try await TestHTTP.request(base + "/api/v1/external-services/\(service)/limits", method: "PUT", bearer: token(role),
                                   headers: ["Content-Type": "application/json", "X-Request-Id": requestID], body: Data(body.utf8))
    }

    static func state(_ base: String, _ service: String) async throws -> (mode: String?, limits: [Int?]) {
        let json = try await TestHTTP.request(base + "/api/v1/external-services/\(service)/rate-limit", bearer: token(.user)).json()
        // The rate tiers only (the budget tiers follow them).
        let tiers = (json["tiers"] as? [[String: Any]] ?? []).filter { ["burst", "sustained"].contains($0["name"] as? String) }
        return (json["mode"] as? String, tiers.map { $0["limit"] as? Int })
    }

    @Test func clusterWideAuditedAndRestoredAfterRedisLosesIt() async throws {
        let redisPort = LoopbackPort.free()
        let redis = try await RedisServerProcess(port: redisPort)
        defer { redis.kill() }
        var nodes: [NodeProcess] = []
        var bases: [String] = []
        for index in 0..<2 {
            let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "limits-\(redisPort)-\(index)", extra: [
                "COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)",
            ]))
            nodes.append(node)
            bases.append("http://127.0.0.1:\(try await node.waitForPort())")
        }
        // A fresh test database may still hold a row from an earlier run: start from the defaults.
        let postgres = try PostgresClient(url: TestEnvironment.databaseURL())
        defer { postgres.shutdown() }
        #expect(try await eventually(timeout: .seconds(20)) { try await TestHTTP.request(bases[0] + "/readyz").status == 200 })
        _ = try await postgres.execute("DELETE FROM service_limits WHERE service = 'samsara'")

        #expect(try await Self.put(bases[0], .manager, "samsara", #"{"burstPerSecond":3}"#).status == 403)
        #expect(try await Self.put(bases[0], .admin, "nope", #"{"burstPerSecond":3}"#).status == 404)
        #expect(try await Self.put(bases[0], .admin, "samsara", #"{}"#).status == 400)
        #expect(try await Self.put(bases[0], .admin, "samsara", #"{"burstPerSecond":0}"#).status == 400)
        #expect(try await Self.put(bases[0], .admin, "samsara", #"{"mode":"loud"}"#).status == 400)
        #expect(try await Self.state(bases[1], "samsara").limits == [50, 500], "refused changes changed something")

        let requestID = "limits-\(UUID().uuidString)"
        let reply = try await Self.put(bases[0], .admin, "samsara", #"{"burstPerSecond":3,"mode":"shadow"}"#, requestID: requestID)
        #expect(reply.status == 200, "\(reply.text)")
        let json = try reply.json()
        #expect((json["limits"] as? [String: Any])?["burstPerSecond"] as? Int == 3)
        #expect((json["limits"] as? [String: Any])?["sustainedPerMinute"] as? Int == 500)
        #expect((json["previous"] as? [String: Any])?["burstPerSecond"] as? Int == 50)
        // The other node decides with the new values at once.
        let other = try await Self.state(bases[1], "samsara")
        #expect(other.mode == "shadow")
        #expect(other.limits == [3, 500])

        let audit = try await postgres.query(
            "SELECT actor, actor_role, detail::text FROM audit_log WHERE action = 'limits.update' AND request_id = $1", [.text(requestID)])
        #expect(audit.count == 1)
        if let row = audit.first {
            #expect(try row.decode(at: 0, as: String.self) == "ops-admin")
            #expect(try row.decode(at: 1, as: String.self) == "admin")
            let detail = try row.decode(at: 2, as: String.self)
            #expect(detail.contains(#""old": {"mode": "enforce", "burstPerSecond": 50"#) || detail.contains("\"burstPerSecond\": 50"))
            #expect(detail.contains("\"burstPerSecond\": 3"))
        }

        // Redis loses everything: the nodes put the durable limits back within their restore period.
        let admin = try RedisClient(configuration: RedisConfiguration(url: "redis://127.0.0.1:\(redisPort)"))
        _ = try await admin.send("FLUSHALL")
        #expect(try await Self.state(bases[1], "samsara").limits == [50, 500], "FLUSHALL did not reach the limits")
        #expect(try await eventually(timeout: .seconds(15)) { try await Self.state(bases[1], "samsara").limits == [3, 500] })
        await admin.shutdown()
        _ = try await postgres.execute("DELETE FROM service_limits WHERE service = 'samsara'")
        for node in nodes { await node.stop() }
    }
}
