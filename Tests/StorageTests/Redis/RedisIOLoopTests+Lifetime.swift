import Glibc
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
                _ = try? await redis.send("PING")
                await redis.shutdown()
            }.value
        }
        #expect(took < .seconds(1))
        let late = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(late.redisFailure?.code == .shutdown)
    }
}

/// `inFlight` (used for routing) returns to zero on every connection of the shared loop after
/// answered, cancelled (released and reattached) and timed-out commands.
@Suite struct RedisInFlightTests {
    @Test func inFlightReturnsToZeroOnBothConnections() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 2
            $0.spilloverThreshold = 2
            $0.commandTimeout = .milliseconds(400)
        })
        let prefix = RedisTestSupport.prefix()
        try await redis.ping()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let body: @Sendable () async -> Void = {
                    switch index % 3 {
                    case 0: for _ in 0..<20 { _ = try? await redis.send("INCR", prefix + "n") }
                    case 1: _ = try? await redis.send("BLPOP", prefix + "q\(index)", "0.05")
                    default:
                        let blocked = Task { _ = try? await redis.send("BLPOP", prefix + "c\(index)", "0.1") }
                        try? await Task.sleep(for: .milliseconds(20))
                        blocked.cancel()
                        await blocked.value
                    }
                }
                if index % 2 == 0 {
                    group.addTask(executorPreference: redis.executor(for: index), operation: body)
                } else {
                    group.addTask(operation: body)
                }
            }
        }
        let start = ContinuousClock.now
        while redis.connections.contains(where: { $0.inFlight.load(ordering: .relaxed) != 0 }),
              ContinuousClock.now - start < .seconds(2) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(redis.connections.map { $0.inFlight.load(ordering: .relaxed) } == [0, 0])
        // Both connections still answer in order afterwards.
        for expected in Int64(1)...20 { #expect(try await redis.send("INCR", prefix + "after").integer == expected) }
        await redis.shutdown()
    }
}

/// One connection of a shared loop shut down on its own (not reachable through `RedisClient`, which
/// shuts all down together, but the loop must not depend on that): the loop neither spins on the
/// closed connection nor stops serving the other, and requests to the closed one are refused.
@Suite struct RedisIOLoopPartialShutdownTests {
    /// CPU time this process has used (user + system), from /proc/self/stat.
    static func processCPUTime() -> Duration {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .zero }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime field 14 and stime field 15 (1-based).
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return .zero }
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return .milliseconds((user + system) * 1000 / Int64(max(ticks, 1)))
    }

    @Test func oneClosedConnectionNeitherSpinsNorStopsTheOther() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 2 })
        try await redis.ping()
        let closed = redis.connections[1]
        closed.requestShutdown()
        try await Task.sleep(for: .milliseconds(100))
        let refused = await closed.execute { RedisCommandEncoder.append(["PING"], to: &$0) }
        #expect(refused.redisFailure?.code == .shutdown, "\(refused)")
        let before = Self.processCPUTime()
        try await Task.sleep(for: .milliseconds(500))
        let used = Self.processCPUTime() - before
        #expect(used < .milliseconds(200), "the loop used \(used) of CPU in 500 ms of idleness")
        for _ in 0..<20 { #expect(try await redis.send("PING").string == "PONG") }
        await redis.shutdown()
    }
}
