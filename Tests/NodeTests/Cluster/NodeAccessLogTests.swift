import Foundation
import Testing
import TestSupport
@testable import Node

/// A real node writes one access log line per request (sync `/healthz` and 404s alike) unless
/// `COORD_ACCESS_LOG=off`, which silences only the access log.
@Suite struct NodeAccessLogTests {
    func requestLines(_ node: NodeProcess) -> [String] { node.lines.filter { $0.contains(#""msg":"request""#) } }

    @Test func accessLogOnByDefaultAndOffWhenConfigured() async throws {
        let logged = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "log-\(UInt32.random(in: 0...UInt32.max))"))
        let base = "http://127.0.0.1:\(try await logged.waitForPort())"
        let health = try await TestHTTP.request(base + "/healthz", headers: ["X-Request-Id": "access-log-test-1"])
        #expect(health.status == 200)
        #expect(try await TestHTTP.request(base + "/nope?token=hunter2").status == 404)
        await logged.stop()
        let lines = requestLines(logged)
        let healthLine = lines.first { $0.contains("access-log-test-1") }
        #expect(healthLine?.hasPrefix(#"{"msg":"request","method":"GET","path":"/healthz","route":"/healthz","status":200,"durationMs":"#) == true,
                "\(logged.log)")
        #expect(lines.contains { $0.contains(#""path":"/nope?token=REDACTED","route":"unmatched","status":404"#) }, "\(logged.log)")
        #expect(!logged.log.contains("hunter2"))

        let env = try TestEnvironment.nodeEnvironment(id: "nolog-\(UInt32.random(in: 0...UInt32.max))", extra: ["COORD_ACCESS_LOG": "off"])
        let silent = try NodeProcess(environment: env)
        let silentBase = "http://127.0.0.1:\(try await silent.waitForPort())"
        #expect(try await TestHTTP.request(silentBase + "/healthz").status == 200)
        #expect(try await TestHTTP.request(silentBase + "/nope").status == 404)
        await silent.stop()
        #expect(requestLines(silent).isEmpty, "\(silent.log)")
        #expect(silent.log.contains(#""msg":"listening""#))
    }
}
