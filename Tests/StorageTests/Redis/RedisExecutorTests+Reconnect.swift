import Testing
import TestSupport
@testable import Storage

extension RedisExecutorTests {
    /// Redis killed and restarted under tasks on the executor: in-flight commands fail fast,
    /// commands fail fast while it is down, and the same tasks succeed again once it is back.
    @Test func survivesRedisKilledAndRestarted() async throws {
        let server = RedisServerProcess()
        try await server.start()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectionCount = 2
        configuration.commandTimeout = .seconds(3)
        configuration.connectTimeout = .milliseconds(500)
        configuration.backoff = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        let redis = try RedisClient(configuration: configuration)
        let prefix = RedisTestSupport.prefix()
        try await redis.ping()
        let blocked = (0..<2).map { index in
            Task(executorPreference: redis.executor(for: index)) {
                await redisCapture { () async throws(RedisError) in try await redis.send("BLPOP", prefix + "q", 10) }
            }
        }
        let unexpected = RedisExecutorTestLog()
        let stop = RedisExecutorTestLog()
        let traffic = (0..<10).map { index in
            Task(executorPreference: redis.executor(for: index)) {
                var successes = 0
                while !stop.isStopped {
                    switch await redisCapture({ () async throws(RedisError) in try await redis.send("INCR", prefix + "t") }) {
                    case .success: successes += 1
                    case .failure(let error) where error.code == .connectionLost || error.code == .connectionFailed:
                        try? await Task.sleep(for: .milliseconds(5))
                    case .failure(let error): unexpected.append(error.description)
                    }
                }
                return successes
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        let killedAt = ContinuousClock.now
        server.kill()
        for task in blocked {
            let result = await task.value
            #expect(result.redisFailure?.code == .connectionLost, "\(result)")
        }
        #expect(ContinuousClock.now - killedAt < .seconds(1), "in-flight commands must fail fast")
        let down = await Task(executorPreference: redis.executor(for: 0)) {
            await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
        }.value
        #expect(down.0.redisFailure?.code == .connectionFailed || down.0.redisFailure?.code == .connectionLost)
        #expect(down.1 < .seconds(1))

        try await Task.sleep(for: .milliseconds(200))
        try await server.start()
        var recovered = 0
        for _ in 0..<150 where recovered < 2 {
            recovered = 0
            for index in 0..<2 {
                let ok = await Task(executorPreference: redis.executor(for: index)) {
                    await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
                }.value
                if case .success = ok { recovered += 1 }
            }
            if recovered < 2 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(recovered == 2)
        let before = try await redis.send("GET", prefix + "t").string.flatMap { Int($0) } ?? 0
        try await Task.sleep(for: .milliseconds(100))
        stop.stop()
        var total = 0
        for task in traffic { total += await task.value }
        #expect(unexpected.entries == [])
        #expect(total > 0)
        let after = try await redis.send("GET", prefix + "t").string.flatMap { Int($0) } ?? 0
        #expect(after > before, "traffic from the executor resumed after the restart")
        await redis.shutdown()
        server.kill()
    }
}
