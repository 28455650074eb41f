import Synchronization
import Testing
@testable import Storage

/// Tasks that run on the client's own executors (`RedisClient.executor(for:)`): their commands
/// stay on the connection's thread and keep every guarantee of commands from the global pool.
@Suite struct RedisExecutorTests {
    /// Replies in order per task, the task back on the same thread after each command, and the
    /// command sent on that thread's connection.
    @Test func commandsFromTheExecutorKeepOrderAndStayOnItsThread() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 2
            $0.ioThreadCount = 2
        })
        let prefix = RedisTestSupport.prefix()
        try await redis.ping()
        #expect(redis.executorCount == 2)
        let problems = RedisExecutorTestLog()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask(executorPreference: redis.executor(for: index)) {
                    let home = redis.connections[index % 2]
                    for expected in Int64(1)...200 {
                        let reply = await redisCapture { () async throws(RedisError) in
                            try await redis.send("INCR", prefix + "\(index)")
                        }
                        guard case .success(let value) = reply, value.integer == expected else {
                            problems.append("task \(index): \(reply) instead of \(expected)")
                            return
                        }
                        guard home.isOnConnectionThread else {
                            problems.append("task \(index) left its connection's thread")
                            return
                        }
                    }
                }
            }
        }
        #expect(problems.entries == [])
        // Routing by thread, not by load: each executor's commands go to its own connection.
        var ids: [[Int64]] = []
        for index in 0..<2 {
            ids.append(try await Task(executorPreference: redis.executor(for: index)) {
                var seen: [Int64] = []
                for _ in 0..<3 { seen.append(try await redis.send("CLIENT", "ID").integer ?? -1) }
                return seen
            }.value)
        }
        #expect(Set(ids[0]).count == 1 && Set(ids[1]).count == 1 && ids[0][0] != ids[1][0], "\(ids)")
        await redis.shutdown()
    }

    /// Tasks on the executor and tasks on the global pool share one key and one client.
    @Test func executorAndPoolTasksTogether() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 2 })
        let key = RedisTestSupport.prefix() + "shared"
        try await redis.ping()
        let outOfOrder = Atomic<Int>(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let body: @Sendable () async throws -> Void = {
                    var last: Int64 = 0
                    for _ in 0..<100 {
                        let value = try await redis.send("INCR", key).integer ?? 0
                        if value <= last { outOfOrder.add(1, ordering: .relaxed) }
                        last = value
                    }
                    #expect(Task.isCancelled == false)
                }
                if index % 2 == 0 {
                    group.addTask(executorPreference: redis.executor(for: index / 2), operation: body)
                } else {
                    group.addTask(operation: body)
                }
            }
            try await group.waitForAll()
        }
        #expect(outOfOrder.load(ordering: .relaxed) == 0)
        #expect(try await redis.send("GET", key).string == "4000")
        #expect(redis.connections.allSatisfy { !$0.isOnConnectionThread })
        await redis.shutdown()
    }

    /// A command timeout and a cancellation, each from a task on the executor, while another
    /// task on the same executor keeps working.
    @Test func timeoutAndCancellationOnTheExecutor() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 1
            $0.commandTimeout = .milliseconds(300)
        })
        let key = RedisTestSupport.prefix() + "slow"
        try await redis.ping()
        let executor = redis.executor(for: 0)
        let timedOut = Task(executorPreference: executor) {
            await redisTimed { await redisCapture { () async throws(RedisError) in try await redis.send("BLPOP", key, "0.6") } }
        }
        let (result, took) = await timedOut.value
        #expect(result.redisFailure?.code == .timeout)
        #expect(took < .milliseconds(1000))
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await Task(executorPreference: executor) { try await redis.send("ECHO", "next") }.value
            == .bulkString(Array("next".utf8)))

        let cancelled = Task(executorPreference: executor) {
            await redisCapture { () async throws(RedisError) in try await redis.send("BLPOP", key, "0.25") }
        }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        let (outcome, cancelTook) = await redisTimed { await cancelled.value }
        #expect(outcome.redisFailure?.code == .cancelled, "\(outcome)")
        #expect(cancelTook < .milliseconds(150))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Task(executorPreference: executor) { try await redis.send("INCR", key + ":n") }.value
            == .integer(1))
        await redis.shutdown()
    }

    /// Shutdown while tasks wait on the executor: they all return `.shutdown`, and a task that
    /// still prefers the executor afterwards runs (on the global pool) and is refused at once.
    @Test func shutdownWhileTasksAreParkedOnTheExecutor() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 2
            $0.commandTimeout = .seconds(10)
        })
        let prefix = RedisTestSupport.prefix()
        try await redis.ping()
        let parked = (0..<20).map { index in
            Task(executorPreference: redis.executor(for: index)) {
                // Half wait for a reply, half loop on commands until the client refuses them.
                if index % 2 == 0 {
                    return await redisCapture { () async throws(RedisError) in
                        try await redis.send("BLPOP", prefix + "q\(index)", 5)
                    }.redisFailure?.code
                }
                while true {
                    if case .failure(let error) = await redisCapture({ () async throws(RedisError) in
                        try await redis.send("INCR", prefix + "n")
                    }) {
                        return error.code
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let (_, took) = await redisTimed { await redis.shutdown() }
        #expect(took < .seconds(1))
        for task in parked {
            let (code, waited) = await redisTimed { await task.value }
            #expect(code == .shutdown)
            #expect(waited < .seconds(1))
        }
        let late = await Task(executorPreference: redis.executor(for: 0)) {
            await redisCapture { () async throws(RedisError) in try await redis.send("PING") }.redisFailure?.code
        }.value
        #expect(late == .shutdown)
    }
}

/// What the executor tests' tasks report back (shared by reference between them).
final class RedisExecutorTestLog: Sendable {
    private let lines = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

/// One I/O thread (the default) driving several connections.
@Suite struct RedisIOLoopTests {
    /// Concurrent tasks on the single loop spill over to the second connection, every reply still
    /// in order, and the client shuts down with both connections on one thread.
    @Test func oneThreadDrivesTwoConnections() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 2
            $0.spilloverThreshold = 4
        })
        #expect(redis.executorCount == 1)
        let prefix = RedisTestSupport.prefix()
        try await redis.ping()
        let problems = RedisExecutorTestLog()
        let clientIDs = await withTaskGroup(of: Set<Int64>.self) { group in
            for index in 0..<30 {
                group.addTask(executorPreference: redis.executor(for: index)) {
                    var seen: Set<Int64> = []
                    for expected in Int64(1)...100 {
                        let reply = await redisCapture { () async throws(RedisError) in
                            try await redis.send("INCR", prefix + "\(index)")
                        }
                        guard case .success(let value) = reply, value.integer == expected else {
                            problems.append("task \(index): \(reply) instead of \(expected)")
                            return seen
                        }
                        if expected % 10 == 0, let id = try? await redis.send("CLIENT", "ID").integer { seen.insert(id) }
                    }
                    return seen
                }
            }
            return await group.reduce(into: Set<Int64>()) { $0.formUnion($1) }
        }
        #expect(problems.entries == [])
        #expect(clientIDs.count == 2, "commands should use both connections: \(clientIDs)")
        let (_, took) = await redisTimed { await redis.shutdown() }
        #expect(took < .seconds(1))
        let late = await redisCapture { () async throws(RedisError) in try await redis.send("PING") }
        #expect(late.redisFailure?.code == .shutdown)
    }
}
