import Foundation
import Synchronization
import Testing
@testable import Storage

/// Connections driven by a caller's event loop (`RedisHostedIO`, here `RedisTestHost`): commands
/// from tasks on the host go over the host's connection and keep every guarantee (order,
/// timeouts, cancellation, reconnection, shutdown); everybody else keeps the client's own.
@Suite struct RedisHostedIOTests {
    /// The CLIENT ID of the connection a command from the host goes to, once the hosted
    /// connection is ready (until then the host's commands use the client's own connections).
    static func hostedClientID(_ redis: RedisClient, _ host: RedisTestHost) async throws -> Int64 {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let connection = redis.hosted.withLock({ $0.first }), connection.isReady {
                let id = try await Task(executorPreference: host) { try await redis.send("CLIENT", "ID").integer }.value
                if let id { return id }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RedisError(.timeout, "the hosted connection never became ready")
    }

    @Test func commandsFromTheHostGoOverItsConnectionInOrder() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let host = try RedisTestHost(io: redis.makeHostedConnection())
        let hostedID = try await Self.hostedClientID(redis, host)
        // Everybody else: the client's own connection.
        let ownID = try await redis.send("CLIENT", "ID").integer
        #expect(ownID != hostedID)
        let prefix = RedisTestSupport.prefix()
        let problems = RedisExecutorTestLog()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask(executorPreference: host) {
                    for expected in Int64(1)...100 {
                        let reply = await redisCapture { () async throws(RedisError) in
                            try await redis.send("INCR", prefix + "\(index)")
                        }
                        guard case .success(let value) = reply, value.integer == expected else {
                            problems.append("task \(index): \(reply) instead of \(expected)")
                            return
                        }
                    }
                    let id = try? await redis.send("CLIENT", "ID").integer
                    if id != hostedID { problems.append("task \(index) used connection \(String(describing: id))") }
                }
            }
        }
        #expect(problems.entries == [])
        await redis.shutdown()
        host.stop()
    }

    @Test func timeoutAndCancellationOnTheHostedConnection() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 1
            $0.commandTimeout = .milliseconds(300)
        })
        let host = try RedisTestHost(io: redis.makeHostedConnection())
        _ = try await Self.hostedClientID(redis, host)
        let key = RedisTestSupport.prefix() + "blocked"
        // No reply within the command timeout: `.timeout`, and the connection still serves. (Redis
        // keeps blocking that connection 0.5 s; under 3 x the timeout, so it does not look dead.)
        let started = ContinuousClock.now
        let (timedOut, took) = await redisTimed {
            await Task(executorPreference: host) { await redisCapture { () async throws(RedisError) in
                try await redis.send("BLPOP", key, 0.5) } }.value
        }
        #expect(timedOut.redisFailure?.code == .timeout)
        #expect(took < .seconds(1))
        // Cancelled while waiting: back within about 5 ms (bounded loosely here), `.cancelled`.
        let waiting = Task(executorPreference: host) { await redisCapture { () async throws(RedisError) in
            try await redis.send("BLPOP", key + "2", 0.25) } }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        let (cancelled, cancelTook) = await redisTimed { await waiting.value }
        #expect(cancelled.redisFailure?.code == .cancelled)
        #expect(cancelTook < .milliseconds(150))
        // After both blocking commands have ended at Redis (0.5 s, then 0.25 s behind it).
        try await Task.sleep(until: started + .milliseconds(900))
        let echo = try await Task(executorPreference: host) { try await redis.send("ECHO", "after") }.value
        #expect(echo == .bulkString(Array("after".utf8)))
        await redis.shutdown()
        host.stop()
    }

    /// A killed connection reconnects (a new socket, possibly with the old one's number, must be
    /// watched again) and the host's commands go over it again.
    @Test func reconnectsAfterItsConnectionIsKilled() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let host = try RedisTestHost(io: redis.makeHostedConnection())
        let first = try await Self.hostedClientID(redis, host)
        let killed = try await redis.send("CLIENT", "KILL", "ID", String(first)).integer
        #expect(killed == 1)
        let deadline = ContinuousClock.now + .seconds(10)
        var again: Int64?
        while ContinuousClock.now < deadline {
            let id = try? await Self.hostedClientID(redis, host)
            if let id, id != first {
                again = id
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(again != nil)
        await redis.shutdown()
        host.stop()
    }

    /// The host stops with a command in flight: it fails with `.shutdown` at once, and the
    /// client's shutdown does not wait for the stopped host.
    @Test func hostStoppingFailsItsPendingCommands() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration {
            $0.connectionCount = 1
            $0.commandTimeout = .seconds(10)
        })
        let host = try RedisTestHost(io: redis.makeHostedConnection())
        _ = try await Self.hostedClientID(redis, host)
        let waiting = Task(executorPreference: host) { await redisCapture { () async throws(RedisError) in
            try await redis.send("BLPOP", RedisTestSupport.prefix() + "never", 5) } }
        try await Task.sleep(for: .milliseconds(100))
        host.stop()
        let (outcome, took) = await redisTimed { await waiting.value }
        #expect(outcome.redisFailure?.code == .shutdown)
        #expect(took < .seconds(1))
        let (_, shutdownTook) = await redisTimed { await redis.shutdown() }
        #expect(shutdownTook < .seconds(2))
    }

    /// The client shuts down while the host runs: the hosted connection closes through the host.
    @Test func clientShutdownClosesTheHostedConnection() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 1 })
        let host = try RedisTestHost(io: redis.makeHostedConnection())
        _ = try await Self.hostedClientID(redis, host)
        let (_, took) = await redisTimed { await redis.shutdown() }
        #expect(took < .seconds(2))
        let after = await Task(executorPreference: host) { await redisCapture { () async throws(RedisError) in
            try await redis.send("PING") } }.value
        #expect(after.redisFailure?.code == .shutdown)
        // A hosted connection made after shutdown is refused at once.
        let late = try RedisTestHost(io: redis.makeHostedConnection())
        let lateReply = await Task(executorPreference: late) { await redisCapture { () async throws(RedisError) in
            try await redis.send("PING") } }.value
        #expect(lateReply.redisFailure?.code == .shutdown)
        host.stop()
        late.stop()
    }
}
