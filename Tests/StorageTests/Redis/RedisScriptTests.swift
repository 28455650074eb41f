import Testing
@testable import Storage

@Suite struct RedisScriptTests {
    static let incrementBy = RedisScript("""
        -- KEYS[1]: counter; ARGV[1]: step. Returns the new value.
        return redis.call('INCRBY', KEYS[1], ARGV[1])
        """)

    @Test func loadsOnceRunsBySHAAndReloadsAfterScriptFlush() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let script = RedisScript(Self.incrementBy.source)
        let key = RedisTestSupport.prefix() + "n"
        #expect(script.sha1 == nil)
        #expect(try await redis.run(script, keys: [key], args: [5]) == .integer(5))
        let sha = try #require(script.sha1)
        #expect(sha.count == 40)
        #expect(try await redis.send("SCRIPT", "EXISTS", sha) == .array([.integer(1)]))

        // SCRIPT FLUSH makes Redis forget it; the next run reloads transparently.
        try await redis.send("SCRIPT", "FLUSH")
        #expect(try await redis.run(script, keys: [key], args: [2]) == .integer(7))
        #expect(script.sha1 == sha)
        #expect(try await redis.send("SCRIPT", "EXISTS", sha) == .array([.integer(1)]))
        await redis.shutdown()
    }

    @Test func scriptErrorsAreThrownAsServerErrors() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let failing = RedisScript("return redis.error_reply('LIMIT exceeded')")
        let result = await redisCapture { () async throws(RedisError) in try await redis.run(failing) }
        #expect(result.redisFailure?.code == .server)
        #expect(result.redisFailure?.message.contains("LIMIT exceeded") == true)
        let bad = RedisScript("this is not lua")
        #expect(await redisCapture { () async throws(RedisError) in try await redis.run(bad) }.redisFailure?.code == .server)
        await redis.shutdown()
    }

    @Test func manyConcurrentRunsShareOneScript() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let script = RedisScript(Self.incrementBy.source)
        let key = RedisTestSupport.prefix() + "c"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask { try await redis.run(script, keys: [key], args: [1]) }
            }
            try await group.waitForAll()
        }
        #expect(try await redis.send("GET", key).integer == 200)
        await redis.shutdown()
    }
}
