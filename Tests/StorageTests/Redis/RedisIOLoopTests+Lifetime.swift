import Testing
@testable import Storage

/// The I/O thread lets go of everything (connections, the loop and its wake pipe) when the client
/// or subscriber is dropped without `shutdown()`, and `shutdown()` works from the client's own executor.
@Suite struct RedisIOLoopLifetimeTests {
    /// Holds a loop weakly, to see it freed once its thread has exited.
    final class WeakLoop: @unchecked Sendable {
        // Only read and written by the test's own task.
        weak var loop: RedisIOLoop?
    }

    @Test func droppedClientAndSubscriberReleaseTheirThreads() async throws {
        let clientLoop = WeakLoop()
        let subscriberLoop = WeakLoop()
        do {
            let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 2 })
            try await redis.ping()
            let subscriber = try redis.makeSubscriber()
            try await subscriber.subscribe(RedisTestSupport.prefix() + "channel")
            clientLoop.loop = redis.loops[0]
            subscriberLoop.loop = subscriber.connection.loop
        }
        let start = ContinuousClock.now
        while clientLoop.loop != nil || subscriberLoop.loop != nil {
            guard ContinuousClock.now - start < .seconds(2) else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(clientLoop.loop == nil, "the client's I/O thread still holds its loop")
        #expect(subscriberLoop.loop == nil, "the subscriber's I/O thread still holds its loop")
    }

    @Test func shutdownFromTheClientsOwnExecutor() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 2 })
        try await redis.ping()
        let (_, took) = await redisTimed {
            await Task(executorPreference: redis.executor(for: 0)) {
                try? await redis.send("PING")
                await redis.shutdown()
            }.value
        }
        #expect(took < .seconds(1))
        let late = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(late.redisFailure?.code == .shutdown)
    }
}
