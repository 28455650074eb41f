import Synchronization
import Testing
import TestSupport
@testable import Storage

/// Redis killed (SIGKILL) and restarted on the same port in the middle of traffic.
@Suite struct RedisReconnectTests {
    @Test func survivesRedisCrashAndRestart() async throws {
        // With a password and a database, so the test also proves AUTH and SELECT on reconnect.
        let server = RedisServerProcess(extraArguments: ["--requirepass", "pw"])
        try await server.start()
        var configuration = try RedisConfiguration(url: "redis://:pw@127.0.0.1:\(server.port)/3")
        configuration.commandTimeout = .seconds(3)
        configuration.connectTimeout = .milliseconds(500)
        configuration.backoff = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        let redis = try RedisClient(configuration: configuration)
        let subscriber = try redis.makeSubscriber()
        let events = RedisEventCollector.start(subscriber)
        let script = RedisScript("return redis.call('INCR', KEYS[1])")
        let prefix = RedisTestSupport.prefix()

        try await subscriber.subscribe(prefix + "news")
        #expect(try await redis.run(script, keys: [prefix + "s"]) == .integer(1))

        // In flight at the moment of the crash: blocking pops that would otherwise wait 10 s.
        let blocked = (0..<4).map { index in
            Task { await redisCapture { () async throws(RedisError) in try await redis.send("BLPOP", prefix + "q\(index)", 10) } }
        }
        // Background traffic that must only ever see success or a connection error, never hang.
        let unexpected = Mutex<[String]>([])
        let traffic = Task {
            var sent = 0
            while !Task.isCancelled {
                let result = await redisCapture { () async throws(RedisError) in try await redis.send("INCR", prefix + "t") }
                if let error = result.redisFailure, error.code != .connectionLost, error.code != .connectionFailed,
                   error.code != .cancelled {
                    unexpected.withLock { $0.append(error.description) }
                }
                sent += 1
                if result.redisFailure != nil { try? await Task.sleep(for: .milliseconds(5)) }
            }
            return sent
        }
        try await Task.sleep(for: .milliseconds(150))

        let killedAt = ContinuousClock.now
        server.kill()
        for task in blocked {
            let result = await task.value
            #expect(result.redisFailure?.code == .connectionLost, "\(result)")
        }
        #expect(ContinuousClock.now - killedAt < .seconds(1), "in-flight commands must fail fast")

        // While Redis is down, new commands fail quickly with a clear error.
        let (down, took) = await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("PING") } }
        #expect(down.redisFailure?.code == .connectionFailed || down.redisFailure?.code == .connectionLost, "\(down)")
        #expect(took < .seconds(1))
        #expect(await events.next { if case .disconnected = $0 { true } else { false } } != nil)

        try await Task.sleep(for: .milliseconds(200))
        try await server.start()

        // Commands succeed again once Redis is back.
        var recovered = false
        for _ in 0..<100 where !recovered {
            if case .success = await redisCapture({ () async throws(RedisError) in try await redis.send("PING") }) {
                recovered = true
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(recovered)
        #expect(try await redis.send("CLIENT", "INFO").string?.contains(" db=3 ") == true)

        // The subscriber resubscribed by itself and reported the gap.
        let reconnected = await events.next(within: .seconds(5)) { if case .reconnected = $0 { true } else { false } }
        guard case .reconnected(let downtime) = reconnected else {
            Issue.record("no .reconnected event")
            return
        }
        #expect(downtime >= .milliseconds(200))
        #expect(subscriber.isConnected)
        #expect(try await redis.send("PUBLISH", prefix + "news", "back") == .integer(1))
        #expect(await events.nextMessage()?.string == "back")

        // The restarted Redis has no scripts: EVALSHA gets NOSCRIPT and the script is reloaded.
        #expect(try await redis.run(script, keys: [prefix + "s"]) == .integer(1))

        traffic.cancel()
        #expect(await traffic.value > 0)
        #expect(unexpected.withLock { $0 }.isEmpty, "\(unexpected.withLock { $0 })")
        await subscriber.shutdown()
        await redis.shutdown()
        server.kill()
    }
}
