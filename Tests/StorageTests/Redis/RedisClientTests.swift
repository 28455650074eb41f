import Foundation
import Testing
@testable import Storage

@Suite struct RedisClientTests {
    @Test func tenThousandConcurrentCommandsKeepTheirOrder() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let prefix = RedisTestSupport.prefix()
        let tasks = 100
        let increments = 50  // 100 tasks x (50 INCR + 50 SET/GET) = 10,000 commands
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    let key = "\(prefix)counter:\(task)"
                    for expected in 1...increments {
                        let value = try await redis.send("INCR", key).integer
                        #expect(value == Int64(expected))
                    }
                    let valueKey = "\(prefix)value:\(task)"
                    for round in 0..<(increments / 2) {
                        let payload: [UInt8] = [UInt8(task % 256), 0, 13, 10, UInt8(round)]
                        try await redis.send("SET", valueKey, payload)
                        #expect(try await redis.send("GET", valueKey).bytes == payload)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await redis.send("GET", "\(prefix)counter:7").integer == Int64(increments))
        await redis.shutdown()
    }

    @Test func tenThousandSimultaneousTasksEachGetTheirOwnReply() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let key = RedisTestSupport.prefix() + "shared"
        let seen = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<10_000 {
                group.addTask { try await redis.send("INCR", key).integer }
            }
            var seen: [Int64] = []
            for try await value in group { seen.append(value ?? -1) }
            return seen
        }
        // Every INCR result exactly once: no reply lost, duplicated or handed to the wrong caller.
        #expect(seen.sorted() == Array(1...10_000))
        let replies = try await redis.pipeline((0..<1000).map { RedisCommand("ECHO", "m\($0)") })
        #expect(replies == (0..<1000).map { .bulkString(Array("m\($0)".utf8)) })
        await redis.shutdown()
    }

    @Test func repliesOfEveryTypeRoundTrip() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let key = RedisTestSupport.prefix() + "list"
        #expect(try await redis.send("PING") == .status("PONG"))
        #expect(try await redis.send("GET", key + ":missing") == .null)
        #expect(try await redis.send("RPUSH", key, "a", [UInt8]([0, 255]), Data("c".utf8)) == .integer(3))
        #expect(try await redis.send("LRANGE", key, 0, -1) ==
            .array([.bulkString([97]), .bulkString([0, 255]), .bulkString([99])]))
        await #expect(throws: RedisError.self) { try await redis.send("LPOPX-NOT-A-COMMAND", key) }
        do {
            try await redis.send("INCR", key)
            Issue.record("INCR on a list succeeded")
        } catch {
            #expect(error.code == .server)
            #expect(error.serverErrorPrefix == "WRONGTYPE")
        }
        try await redis.ping()
        #expect(redis.isConnected)
        #expect(redis.health.isHealthy && redis.health.totalConnections == 2 && redis.health.problem == nil)
        await redis.shutdown()
        #expect(!redis.isConnected)
        await #expect(throws: RedisError.self) { try await redis.send("PING") }
    }

    @Test func pipelineReturnsEveryReplyInOrder() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let key = RedisTestSupport.prefix() + "p"
        let replies = try await redis.pipeline([
            RedisCommand("SET", key, "1"), RedisCommand("INCRBY", key, 41), RedisCommand("HGET", key, "f"),
            RedisCommand("GET", key),
        ])
        #expect(replies.count == 4)
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .integer(42))
        #expect(replies[2].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[3].integer == 42)
        await redis.shutdown()
    }

    @Test func transactionRunsAtomicallyAndReportsQueueErrors() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let key = RedisTestSupport.prefix() + "t"
        let results = try await redis.transaction([RedisCommand("INCR", key), RedisCommand("INCRBY", key, 9),
                                                   RedisCommand("GET", key)])
        #expect(results == [.integer(1), .integer(10), .bulkString(Array("10".utf8))])
        do {
            _ = try await redis.transaction([RedisCommand("INCR", key), RedisCommand("NOT-A-COMMAND")])
            Issue.record("a transaction with an unknown command ran")
        } catch {
            #expect(error.code == .server)
            #expect(error.message.contains("EXECABORT"))
        }
        #expect(try await redis.send("GET", key).integer == 10)
        await redis.shutdown()
    }

    @Test func commandTimeoutFailsOnlyThatCaller() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.commandTimeout = .milliseconds(300)
            $0.connectionCount = 1
        })
        let key = RedisTestSupport.prefix() + "blocked"
        try await redis.ping()
        // The server answers this BLPOP (with nil) after 0.6 s, long after its caller gave up.
        let (result, took) = await redisTimed {
            await redisCapture { () async throws(RedisError) in try await redis.send("BLPOP", key, "0.6") }
        }
        #expect(result.redisFailure?.code == .timeout)
        #expect(took < .milliseconds(1000))
        #expect(redis.isConnected)
        try await Task.sleep(for: .milliseconds(400))
        // The late nil reply was discarded, not handed to the next caller: replies stay aligned.
        #expect(try await redis.send("ECHO", "next") == .bulkString(Array("next".utf8)))
        #expect(try await redis.send("INCR", key + ":n") == .integer(1))
        await redis.shutdown()
    }

    @Test func cancelledCallerDetachesWithoutHurtingOthers() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let key = RedisTestSupport.prefix() + "cancel"
        let waiting = Task { try await redis.send("BLPOP", key, 1) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        let (outcome, took) = await redisTimed { await waiting.result }
        #expect(took < .milliseconds(500))
        do {
            _ = try outcome.get()
            Issue.record("cancelled BLPOP returned")
        } catch let error as RedisError {
            #expect(error.code == .cancelled)
        }
        #expect(try await redis.send("ECHO", "after") == .bulkString(Array("after".utf8)))
        await redis.shutdown()
    }

    /// Callers still waiting after 5 ms are released and reattach behind a cancellation handler:
    /// slow commands, answered while their callers are released or after they reattached, must
    /// still reach them, with the fast commands behind them answered in order too.
    @Test func slowCommandsAnsweredAfterTheirCallersWereReleased() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let pusher = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let key = RedisTestSupport.prefix() + "slow"
        try await redis.ping()
        async let popped = redis.send("BLPOP", key, 2)
        async let behind = withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<200 { group.addTask { try await redis.send("INCR", key + ":n").integer } }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        try await Task.sleep(for: .milliseconds(60))
        try await pusher.send("RPUSH", key, "v")
        #expect(try await popped == .array([.bulkString(Array(key.utf8)), .bulkString(Array("v".utf8))]))
        #expect(try await behind.compactMap { $0 }.sorted() == (1...200).map { Int64($0) })
        await pusher.shutdown()
        await redis.shutdown()
    }

    /// A cancellation that races the submission (the task is cancelled while `execute` hands its
    /// command over) must still reach the command: each caller returns `.cancelled` at once
    /// instead of waiting for the reply. BLPOP with a short timeout stands in for a slow command
    /// (it blocks only this client, unlike DEBUG SLEEP); any success below is a lost cancellation.
    @Test func cancellationRacingTheSubmissionIsNeverLost() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 1
            $0.commandTimeout = .seconds(10)
        })
        let key = RedisTestSupport.prefix() + "race"
        try await redis.ping()
        // Traffic on the same connection keeps its thread taking batches all the time, so it can
        // take a cancellation in the instant before the cancelled command's submission arrives.
        let load = Task {
            while !Task.isCancelled { _ = try? await redis.send("ECHO", "load") }
        }
        defer { load.cancel() }
        var lost = 0
        var slowest = Duration.zero
        for round in 0..<3000 {
            let task = Task.detached { try await redis.send("BLPOP", key, "0.05") }
            // Vary the moment of cancellation around the hand-over.
            switch round % 4 {
            case 1: await Task.yield()
            case 2: for _ in 0..<(round % 97) * 20 { _ = Task.isCancelled }
            case 3: try await Task.sleep(for: .microseconds(round % 50))
            default: break
            }
            task.cancel()
            let (outcome, took) = await redisTimed { await task.result }
            slowest = max(slowest, took)
            do {
                _ = try outcome.get()
                lost += 1
            } catch let error as RedisError {
                if error.code != .cancelled { Issue.record("round \(round): \(error)") }
            }
        }
        #expect(lost == 0, "\(lost) cancellations were lost")
        #expect(slowest < .milliseconds(500), "slowest cancelled caller took \(slowest)")
        await redis.shutdown()
    }
}
