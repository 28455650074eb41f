import Testing
import TestSupport
@testable import Storage

/// Wrong credentials, closed ports and unreachable hosts give clear errors within the timeouts.
@Suite struct RedisConnectionErrorTests {
    private func fastConfiguration(_ url: String) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: url)
        configuration.connectTimeout = .milliseconds(400)
        configuration.commandTimeout = .seconds(2)
        configuration.connectionCount = 1
        return configuration
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let server = RedisServerProcess(extraArguments: ["--requirepass", "s3cret"])
        try await server.start()
        defer { server.kill() }

        let wrong = try RedisClient(configuration: fastConfiguration("redis://:nope@127.0.0.1:\(server.port)"))
        let (result, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await wrong.send("PING") } }
        #expect(result.redisFailure?.code == .authenticationFailed, "\(result)")
        #expect(result.redisFailure?.message.contains("nope") == false, "the password must not appear in errors")
        #expect(took < .seconds(1))
        // While backing off, later commands get the same clear error at once.
        let again = await redisCapture { () async throws(RedisError) in try await wrong.send("PING") }
        #expect(again.redisFailure?.code == .authenticationFailed || again.redisFailure?.code == .connectionFailed)
        await wrong.shutdown()

        let missing = try RedisClient(configuration: fastConfiguration(server.url))
        let refused = await redisCapture { () async throws(RedisError) in try await missing.send("GET", "k") }
        #expect(refused.redisFailure?.code == .server)  // NOAUTH: Redis itself asks for a password
        #expect(refused.redisFailure?.serverErrorPrefix == "NOAUTH")
        await missing.shutdown()

        for url in ["redis://s3cret@127.0.0.1:\(server.port)", "redis://default:s3cret@127.0.0.1:\(server.port)/2"] {
            let right = try RedisClient(configuration: fastConfiguration(url))
            try await right.ping()
            await right.shutdown()
        }
    }

    @Test func closedPortFailsFast() async throws {
        let redis = try RedisClient(configuration: fastConfiguration("redis://127.0.0.1:\(LoopbackPort.free())"))
        let (result, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
        #expect(result.redisFailure?.code == .connectionFailed, "\(result)")
        #expect(result.redisFailure?.message.contains("refused") == true, "\(result)")
        #expect(took < .seconds(1))
        #expect(!redis.isConnected)
        let health = redis.health
        #expect(!health.isHealthy && health.connectedConnections == 0 && health.totalConnections == 1)
        #expect(health.problem?.message.contains("refused") == true, "\(String(describing: health.problem))")
        await redis.shutdown()
    }

    @Test func hostNamesAreResolved() async throws {
        let base = try RedisConfiguration(url: TestEnvironment.redisURL())
        let redis = try RedisClient(configuration: fastConfiguration("redis://localhost:\(base.port)"))
        try await redis.ping()
        await redis.shutdown()
    }

    @Test func unknownHostFailsWithAClearError() async throws {
        let redis = try RedisClient(configuration: fastConfiguration("redis://no-such-host.invalid:6379"))
        let (result, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
        #expect(result.redisFailure?.code == .connectionFailed, "\(result)")
        #expect(result.redisFailure?.message.contains("no-such-host.invalid") == true)
        #expect(took < .seconds(2), "took \(took)")
        await redis.shutdown()
    }

    @Test func silentServerTimesOutWithinBounds() async throws {
        let listener = RedisSilentListener()
        // With a password the handshake cannot finish: the connect timeout bounds it.
        let handshaking = try RedisClient(configuration: fastConfiguration("redis://:pw@127.0.0.1:\(listener.port)"))
        let (first, tookFirst) = await redisTimed { await redisCapture { () async throws(RedisError) in try await handshaking.send("PING") } }
        #expect(first.redisFailure?.code == .connectionFailed, "\(first)")
        #expect(first.redisFailure?.message.contains("within") == true, "\(first)")
        #expect(tookFirst < .milliseconds(1200))
        await handshaking.shutdown()
        // Without a handshake the connection is up at once and the command timeout fires.
        var configuration = try fastConfiguration("redis://127.0.0.1:\(listener.port)")
        configuration.commandTimeout = .milliseconds(300)
        let plain = try RedisClient(configuration: configuration)
        let (second, tookSecond) = await redisTimed { await redisCapture { () async throws(RedisError) in try await plain.send("PING") } }
        #expect(second.redisFailure?.code == .timeout, "\(second)")
        #expect(tookSecond < .milliseconds(1000))
        await plain.shutdown()
    }

    @Test func bytesThatAreNotRESPAreAProtocolError() async throws {
        let server = RedisGarbageServer()
        let redis = try RedisClient(configuration: fastConfiguration("redis://127.0.0.1:\(server.port)"))
        let result = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(result.redisFailure?.code == .protocolError, "\(result)")
        await redis.shutdown()
    }

    @Test func invalidDatabaseIsReported() async throws {
        let base = try RedisConfiguration(url: TestEnvironment.redisURL())
        let redis = try RedisClient(configuration: fastConfiguration("redis://\(base.host):\(base.port)/999"))
        let result = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(result.redisFailure?.code == .connectionFailed)
        #expect(result.redisFailure?.message.contains("SELECT") == true, "\(result)")
        await redis.shutdown()
    }

    @Test func selectedDatabaseIsUsed() async throws {
        let base = try RedisConfiguration(url: TestEnvironment.redisURL())
        let key = RedisTestSupport.prefix() + "db"
        let db5 = try RedisClient(configuration: fastConfiguration("redis://\(base.host):\(base.port)/5"))
        let db0 = try RedisClient(configuration: fastConfiguration("redis://\(base.host):\(base.port)/0"))
        try await db5.send("SET", key, "five")
        #expect(try await db0.send("GET", key) == .null)
        #expect(try await db5.send("GET", key).string == "five")
        await db5.shutdown()
        await db0.shutdown()
    }

    /// A server that stops answering without closing (what a NAT drop looks like from here): once
    /// a command has waited three command timeouts with no byte back, the connection is declared
    /// dead and the commands still waiting fail with connectionLost instead of each timing out.
    @Test func connectionSilentForThreeCommandTimeoutsIsDeclaredDead() async throws {
        let listener = RedisSilentListener()
        var configuration = try fastConfiguration("redis://127.0.0.1:\(listener.port)")
        configuration.commandTimeout = .milliseconds(200)
        let redis = try RedisClient(configuration: configuration)
        let first = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(first.redisFailure?.code == .timeout, "\(first)")
        // Sent about 0.5 s after the first: the stall (3 x 0.2 s after the first was sent) comes
        // about 0.1 s later, before this command's own timeout (0.2 s) could fire.
        try await Task.sleep(for: .milliseconds(300))
        let (second, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
        #expect(second.redisFailure?.code == .connectionLost, "\(second)")
        #expect(second.redisFailure?.message.contains("presumed dead") == true, "\(second)")
        #expect(took < .milliseconds(180), "took \(took)")
        await redis.shutdown()
    }
}
