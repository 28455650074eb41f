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
        let database = "t_cluster_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresClient(url: TestEnvironment.databaseURL())
        try await admin.execute("CREATE DATABASE \(database)")
        let adminURL = try TestEnvironment.databaseURL()
        let databaseURL = String(adminURL[..<(adminURL.lastIndex(of: "/") ?? adminURL.endIndex)]) + "/\(database)"

        let prefix = "t\(UInt16.random(in: 0...UInt16.max))"
        var nodes: [NodeProcess] = []
        for i in 1...3 {
            nodes.append(try NodeProcess(environment: TestEnvironment.nodeEnvironment(
                id: "\(prefix)-node-\(i)", extra: ["COORD_DATABASE_URL": databaseURL])))
        }
        var ports: [Int] = []
        for node in nodes { ports.append(try await node.waitForPort()) }

        let haproxy = try HAProxyProcess(nodePorts: ports)
        defer { haproxy.stop() }
        let base = "http://127.0.0.1:\(haproxy.port)"

        // Every node answers through the balancer once its health check (/readyz) passes.
        var seen: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(20)
        while seen.count < 3 && ContinuousClock.now < deadline {
            // A new connection each time: HAProxy keeps a client connection on one server.
            if let reply = try? await TestHTTP.request(base + "/healthz", headers: ["Connection": "close"]), reply.status == 200,
               let id = reply.header("X-Coordinator-Node") {
                seen.insert(id)
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
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
        try await admin.execute("DROP DATABASE \(database)")
        admin.shutdown()
    }
}
