import Foundation
import Storage
import Testing
import TestSupport
@testable import Node

/// `/readyz` tells the truth about fan-out: while the node's pub/sub connection is being killed
/// (`CLIENT KILL TYPE pubsub`), it names `pubsub` as missing, and once the kills stop it is ready again.
@Suite struct PubSubReadinessTests {
    @Test func killedPubSubConnectionIsNamedUntilItIsBack() async throws {
        let redisPort = LoopbackPort.free()
        let redisServer = try await RedisServerProcess(port: redisPort)
        defer { redisServer.kill() }
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "pubsub-\(UInt32.random(in: 0...UInt32.max))", extra: [
            "COORD_REDIS_URL": "redis://127.0.0.1:\(redisPort)",
        ]))
        let base = "http://127.0.0.1:\(try await node.waitForPort())"
        #expect(try await eventually(timeout: .seconds(20)) { try await TestHTTP.request(base + "/readyz").status == 200 },
                "\(node.log)")
        let admin = try RedisClient(configuration: RedisConfiguration(url: "redis://127.0.0.1:\(redisPort)"))

        // Kill the subscriber over and over (it reconnects within milliseconds each time) while
        // polling readiness: some answers must name pubsub, and none may name anything else.
        let killing = Task {
            while !Task.isCancelled {
                _ = try? await admin.send("CLIENT", "KILL", "TYPE", "pubsub")
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        var sawPubSubMissing = false
        var others: Set<String> = []
        let until = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < until && !sawPubSubMissing {
            let ready = try await TestHTTP.request(base + "/readyz")
            let missing = try ready.json()["missing"] as? [String] ?? []
            if missing.contains("pubsub") {
                sawPubSubMissing = true
                #expect(ready.status == 503)
                #expect(ready.header("Retry-After") != nil)
            }
            others.formUnion(missing.filter { $0 != "pubsub" })
        }
        killing.cancel()
        _ = await killing.value
        #expect(sawPubSubMissing, "readiness never reported the killed pub/sub connection")
        #expect(others.isEmpty, "only pubsub was down, readiness said \(others)")

        // Back: ready again without a restart.
        #expect(try await eventually(timeout: .seconds(10)) { try await TestHTTP.request(base + "/readyz").status == 200 })
        let ready = try await TestHTTP.request(base + "/readyz")
        #expect(try ready.json()["missing"] as? [String] == [])
        await admin.shutdown()
        await node.stop()
    }
}
