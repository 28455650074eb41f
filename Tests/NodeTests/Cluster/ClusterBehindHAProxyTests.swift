import Auth
import Foundation
import Storage
import Testing
import TestSupport
@testable import Node

/// Three real nodes started at once on a fresh database, behind a real HAProxy configured by the same
/// script the dev cluster uses.
@Suite struct ClusterBehindHAProxyTests {
    @Test func threeNodesMigrateOnceAndEachServesThroughHAProxy() async throws {
        let prefix = "t\(UInt16.random(in: 0...UInt16.max))"
        let cluster = try await TestCluster.start(count: 3, prefix: prefix)
        let nodes = cluster.nodes, haproxy = cluster.haproxy, databaseURL = cluster.databaseURL
        let base = cluster.baseURL

        // Every node answers through the balancer once its health check (/readyz) passes.
        let seen = try await cluster.waitUntilEveryNodeServes()
        #expect(seen == Set((1...3).map { "\(prefix)-node-\($0)" }), "\(nodes.map(\.log).joined(separator: "\n---\n"))")

        // The cluster view, asked through any node, lists all three.
        let token = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .user, expiresAt: Date().addingTimeInterval(60)))
        let status = try await TestHTTP.request(base + "/api/v1/external-services/status", bearer: token)
        #expect(status.status == 200, "\(status.text)")
        let ids = Set((try status.json()["nodes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: seen))

        // Realtime through the balancer: three sockets (leastconn spreads them over the nodes) all get
        // an event published through the balancer too, whichever node took each of them.
        let manager = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .manager, expiresAt: Date().addingTimeInterval(60)))
        var sockets: [RealtimeTestClient] = []
        for _ in 1...3 {
            let socket = try await RealtimeTestClient.connect(port: haproxy.port, token: manager, inQuery: true)
            #expect(socket.handshakeStatus == 101, "\(socket.handshakeHead)")
            try await socket.send(#"{"type":"subscribe","room":"cost_monitoring"}"#)
            _ = try await socket.next(type: "subscribed")
            sockets.append(socket)
        }
        let published = try await TestHTTP.request(base + "/api/v1/realtime/publish", method: "POST", bearer: manager,
                                                   headers: ["Content-Type": "application/json"],
                                                   body: Data(#"{"room":"cost_monitoring","event":"via-lb","data":{}}"#.utf8))
        #expect(published.status == 200, "\(published.text)")
        for socket in sockets {
            #expect(try await socket.next(type: "event")["id"] as? String == (try published.json()["id"] as? String))
        }

        // Started together, the three applied each migration exactly once.
        let check = try PostgresClient(url: databaseURL)
        let rows = try await check.query("SELECT version, count(*) AS n FROM schema_migrations GROUP BY version", [])
        let files = try FileManager.default.contentsOfDirectory(atPath: NodeProcess.repositoryRoot.appendingPathComponent("migrations").path)
            .filter { $0.hasSuffix(".sql") }
        #expect(rows.count == files.count)
        for row in rows { #expect(try row.decode("n", as: Int64.self) == 1) }
        check.shutdown()

        for node in nodes { await node.stop() }
        for node in nodes { #expect(node.process.terminationStatus == 0) }
        await cluster.stop()
    }
}
