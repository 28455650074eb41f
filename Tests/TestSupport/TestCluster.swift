import Foundation
import Storage

/// Nodes started together on a fresh database (created here, dropped by `stop()`) behind a real
/// HAProxy: the dev cluster's topology for one test. Always `await stop()` it.
package final class TestCluster: Sendable {
    package let nodes: [NodeProcess]
    /// The node ids, in the order of `nodes`.
    package let ids: [String]
    package let haproxy: HAProxyProcess
    /// The fresh database every node uses.
    package let databaseURL: String
    private let database: String

    /// `http://127.0.0.1:<haproxy port>`.
    package var baseURL: String { "http://127.0.0.1:\(haproxy.port)" }

    private init(nodes: [NodeProcess], ids: [String], haproxy: HAProxyProcess, databaseURL: String, database: String) {
        self.nodes = nodes
        self.ids = ids
        self.haproxy = haproxy
        self.databaseURL = databaseURL
        self.database = database
    }

    /// Creates the database, starts `count` nodes with ids `<prefix>-node-<i>` (and `extra` in their
    /// environment), waits for their ports and puts HAProxy in front. Nothing is left running if it throws.
    package static func start(count: Int = 3, prefix: String, extra: [String: String] = [:]) async throws -> TestCluster {
        let database = "t_cluster_\(UInt32.random(in: 0...UInt32.max))"
        let adminURL = try TestEnvironment.databaseURL()
        let admin = try PostgresClient(url: adminURL)
        defer { admin.shutdown() }
        try await admin.execute("CREATE DATABASE \(database)")
        let databaseURL = String(adminURL[..<(adminURL.lastIndex(of: "/") ?? adminURL.endIndex)]) + "/\(database)"
        let ids = (1...count).map { "\(prefix)-node-\($0)" }
        var nodes: [NodeProcess] = []
        do {
            var ports: [Int] = []
            for id in ids {
                var environment = extra
                environment["COORD_DATABASE_URL"] = databaseURL
                nodes.append(try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: id, extra: environment)))
            }
            for node in nodes { ports.append(try await node.waitForPort()) }
            let haproxy = try HAProxyProcess(nodePorts: ports)
            return TestCluster(nodes: nodes, ids: ids, haproxy: haproxy, databaseURL: databaseURL, database: database)
        } catch {
            for node in nodes { await node.killNow() }
            try? await admin.execute("DROP DATABASE \(database) WITH (FORCE)")
            throw error
        }
    }

    /// Polls `/healthz` through HAProxy on new connections until every node answered once (its health
    /// check passed); returns the ids seen, all of them unless `timeout` passed first.
    package func waitUntilEveryNodeServes(timeout: Duration = .seconds(20)) async throws -> Set<String> {
        var seen: Set<String> = []
        let deadline = ContinuousClock.now + timeout
        while seen.count < nodes.count && ContinuousClock.now < deadline {
            // A new connection each time: HAProxy keeps a client connection on one server.
            if let reply = try? await TestHTTP.request(baseURL + "/healthz", headers: ["Connection": "close"]), reply.status == 200,
               let id = reply.header("X-Coordinator-Node") {
                seen.insert(id)
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return seen
    }

    /// Every node's log, for failure messages.
    package var logs: String { nodes.map(\.log).joined(separator: "\n---\n") }

    /// Stops the nodes (SIGTERM) and HAProxy and drops the database.
    package func stop() async {
        for node in nodes { await node.stop() }
        haproxy.stop()
        if let admin = try? PostgresClient(url: TestEnvironment.databaseURL()) {
            try? await admin.execute("DROP DATABASE \(database) WITH (FORCE)")
            admin.shutdown()
        }
    }
}
