import Auth
import Foundation
import Synchronization
import Testing
import TestSupport

/// A node SIGKILLed under load behind HAProxy: the requests it had in flight are retried by HAProxy
/// on another node (`retry-on` in scripts/haproxy-config.sh), so clients see no failure at all.
@Suite struct ClusterFailoverTests {
    /// What one load client saw.
    struct Tally: Sendable {
        var succeeded = 0
        var succeededAfterKill = 0
        var failures: [String] = []
        var servedBy: [String: Int] = [:]
    }

    /// Set once the victim is dead, read by every load client.
    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    @Test func nodeKilledUnderLoadLosesNoIdempotentRequest() async throws {
        let cluster = try await TestCluster.start(count: 3, prefix: "failover\(UInt16.random(in: 0...UInt16.max))")
        let seen = try await cluster.waitUntilEveryNodeServes()
        try #require(seen.count == 3, "\(cluster.logs)")
        let token = try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: "t", role: .user, expiresAt: Date().addingTimeInterval(120)))
        // A Redis-backed route (the cluster view), on keep-alive connections, from several clients.
        let request = Array("GET /api/v1/external-services/status HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
        let port = cluster.haproxy.port
        let killed = Flag()
        let end = ContinuousClock.now + .seconds(6)

        let load = (0..<8).map { _ in
            Task {
                try await TestClient.offPool {
                    var tally = Tally()
                    var client: TestClient?
                    while ContinuousClock.now < end {
                        do {
                            let connection = try client ?? TestClient(port: port, timeoutSeconds: 10)
                            client = connection
                            try connection.write(request)
                            let response = try connection.readResponse()
                            if response.headers["connection"]?.lowercased() == "close" { client = nil }
                            guard response.status == 200 else {
                                tally.failures.append("status \(response.status): \(response.text.prefix(200))")
                                continue
                            }
                            tally.succeeded += 1
                            if killed.value.load(ordering: .relaxed) { tally.succeededAfterKill += 1 }
                            tally.servedBy[response.headers["x-coordinator-node"] ?? "?", default: 0] += 1
                        } catch {
                            tally.failures.append("\(error)")
                            client = nil
                        }
                    }
                    return tally
                }
            }
        }
        // Mid-load, a crash: no drain, no goodbye, requests in flight on it are cut.
        try await Task.sleep(for: .seconds(2))
        let victim = cluster.nodes[1]
        let victimID = cluster.ids[1]
        await victim.killNow()
        killed.value.store(true, ordering: .relaxed)

        var total = Tally()
        for task in load {
            let tally = try await task.value
            total.succeeded += tally.succeeded
            total.succeededAfterKill += tally.succeededAfterKill
            total.failures += tally.failures
            total.servedBy.merge(tally.servedBy, uniquingKeysWith: +)
        }
        print("failover: \(total.succeeded) succeeded (\(total.succeededAfterKill) after the kill), \(total.failures.count) failed, by node \(total.servedBy)")
        #expect(total.failures.isEmpty, "\(total.failures.count) failed of \(total.succeeded + total.failures.count): \(total.failures.prefix(5))")
        #expect((total.servedBy[victimID] ?? 0) > 0, "the killed node carried part of the load before it died")
        #expect(total.succeededAfterKill > 0)
        await cluster.stop()
    }
}
