import Foundation
import Testing
@testable import Node

@Suite struct NodeConfigurationTests {
    let secret = "0123456789abcdef0123456789abcdef"

    @Test func defaultsInDevMode() throws {
        let c = try NodeConfiguration(environment: ["COORD_DEV_MODE": "1"])
        #expect(c.httpPort == 8080)
        #expect(c.redisURL == "redis://127.0.0.1:6379")
        #expect(c.jwtSecret == Array(NodeConfiguration.devJWTSecret.utf8))
        #expect(c.catalog.names == ["airtable", "maps", "samsara", "sendgrid", "stripe", "twilio"])
        #expect(c.publicURL == "http://127.0.0.1:8080")
        #expect(c.accessLog)
    }

    @Test func accessLogSwitch() throws {
        #expect(try !NodeConfiguration(environment: ["COORD_DEV_MODE": "1", "COORD_ACCESS_LOG": "off"]).accessLog)
        #expect(try NodeConfiguration(environment: ["COORD_DEV_MODE": "1", "COORD_ACCESS_LOG": "on"]).accessLog)
    }

    @Test func clientRateLimit() throws {
        #expect(try NodeConfiguration(environment: ["COORD_DEV_MODE": "1"]).clientRateLimitPerMinute == 1_200)
        #expect(try NodeConfiguration(environment: ["COORD_DEV_MODE": "1", "COORD_CLIENT_RATE_LIMIT_PER_MINUTE": "0"])
            .clientRateLimitPerMinute == 0)
        #expect(try NodeConfiguration(environment: ["COORD_DEV_MODE": "1", "COORD_CLIENT_RATE_LIMIT_PER_MINUTE": "20"])
            .clientRateLimitPerMinute == 20)
    }

    @Test func secretRequiredOutsideDevMode() {
        #expect(throws: ConfigurationError.self) { try NodeConfiguration(environment: [:]) }
        do {
            _ = try NodeConfiguration(environment: [:])
        } catch {
            #expect(error.variable == "COORD_JWT_SECRET")
        }
    }

    @Test(arguments: [
        ("COORD_HTTP_PORT", "abc"), ("COORD_HTTP_PORT", "70000"), ("COORD_REDIS_URL", "http://x"),
        ("COORD_DATABASE_URL", "mysql://x"), ("COORD_JWT_SECRET", "short"), ("COORD_CORS_ORIGINS", "not a url"),
        ("COORD_CORS_ORIGINS", "https://a.example.com/path"), ("COORD_UPSTREAM_STRIPE", "ftp://x"),
        ("COORD_SENDGRID_PUBLIC_KEY", "***"), ("COORD_DEV_MODE", "maybe"), ("COORD_NODE_ID", "bad id!"),
        ("COORD_SERVICES_FILE", "/nonexistent/services.json"), ("COORD_EVENT_LOOPS", "0"),
        ("COORD_ACCESS_LOG", "sometimes"), ("COORD_CLIENT_RATE_LIMIT_PER_MINUTE", "-1"),
        ("COORD_CLIENT_RATE_LIMIT_PER_MINUTE", "lots"), ("COORD_CLIENT_RATE_LIMIT_PER_MINUTE", "1000001"),
    ])
    func badValueNamesItsVariable(variable: String, value: String) {
        var env = ["COORD_JWT_SECRET": secret]
        env[variable] = value
        do {
            _ = try NodeConfiguration(environment: env)
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.variable == variable)
        }
    }

    @Test func webhookSecretsAndUpstreams() throws {
        let c = try NodeConfiguration(environment: [
            "COORD_JWT_SECRET": secret,
            "COORD_WEBHOOK_SECRET_STRIPE": "whsec_old, whsec_new",
            "COORD_UPSTREAM_TWILIO": "http://127.0.0.1:9999",
            "COORD_CORS_ORIGINS": "https://app.example.com, http://localhost:3000",
        ])
        #expect(c.webhookSecrets["stripe"] == ["whsec_old", "whsec_new"])
        #expect(c.upstreams["twilio"]?.absoluteString == "http://127.0.0.1:9999")
        #expect(c.corsOrigins == ["https://app.example.com", "http://localhost:3000"])
    }

    @Test func servicesFileOverridesAndAdds() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("services-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: path) }
        let json = """
        {"stripe": {"maxBatchSize": 7},
         "custom": {"maxBatchSize": 5, "maxWaitMs": 100, "flushAtCostMicros": 1, "monthlyBudgetMicros": 2,
                    "dailyLimitMicros": 1, "burstPerSecond": 1, "sustainedPerMinute": 10}}
        """
        try Data(json.utf8).write(to: path)
        let c = try NodeConfiguration(environment: ["COORD_JWT_SECRET": secret, "COORD_SERVICES_FILE": path.path,
                                                    "COORD_WEBHOOK_SECRET_CUSTOM": "whsec_x"])
        #expect(c.catalog["stripe"]?.maxBatchSize == 7)
        #expect(c.catalog["stripe"]?.maxWaitMs == 2_000)
        #expect(c.catalog["custom"]?.sustainedPerMinute == 10)
        #expect(c.webhookSecrets["custom"] == ["whsec_x"])
    }

    @Test func publicKeyFilesBecomeRS256AndES256Keys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rsa = dir.appendingPathComponent("rsa.pem").path
        let ec = dir.appendingPathComponent("ec.pem").path
        let garbage = dir.appendingPathComponent("garbage.pem").path
        try Self.shell("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | openssl pkey -pubout -out \(rsa)")
        try Self.shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out \(ec)")
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: garbage))

        let c = try NodeConfiguration(environment: ["COORD_JWT_SECRET": secret, "COORD_JWT_PUBLIC_KEYS": "\(rsa), \(ec)"])
        #expect(c.jwtPublicKeys.map(\.algorithm) == [.rs256, .es256])
        do {
            _ = try NodeConfiguration(environment: ["COORD_JWT_SECRET": secret, "COORD_JWT_PUBLIC_KEYS": garbage])
            Issue.record("a garbage key file was accepted")
        } catch {
            #expect(error.variable == "COORD_JWT_PUBLIC_KEYS")
        }
    }

    static func shell(_ command: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(command)")
    }
}
