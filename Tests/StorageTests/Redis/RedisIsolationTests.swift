import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Storage

/// `send` must give a caller back to its own isolation: a caller on an actor continues on that
/// actor after the reply, never on the thread that resumed it.
@Suite struct RedisIsolationTests {
    @Test func customExecutorActorCallerStaysOnItsQueue() async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration())
        let actor = RedisQueueActor()
        let off = try await actor.run(redis, key: RedisTestSupport.prefix() + "n")
        #expect(off == 0, "\(off) of 50 continuations ran off the actor's queue")
        await redis.shutdown()
    }

    /// Callers from the global pool and from the client's executor (where a default actor runs
    /// on the preferred executor, and the reply resumes its caller on the loop thread).
    @Test(arguments: [false, true]) func defaultActorCallersNeverOverlap(onExecutor: Bool) async throws {
        let redis = try RedisClient(configuration: RedisTestSupport.configuration { $0.connectionCount = 2 })
        let key = RedisTestSupport.prefix() + "n"
        let actor = RedisOverlapActor()
        let queueActor = RedisQueueActor()
        let off = Atomic<Int>(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                let body: @Sendable () async throws -> Void = {
                    try await actor.run(redis, key: key)
                    off.add(try await queueActor.run(redis, key: key), ordering: .relaxed)
                }
                if onExecutor {
                    group.addTask(executorPreference: redis.executor(for: index), operation: body)
                } else {
                    group.addTask(operation: body)
                }
            }
            try await group.waitForAll()
        }
        #expect(await actor.overlaps == 0)
        #expect(off.load(ordering: .relaxed) == 0)
        #expect(try await redis.send("GET", key).string == "1200")
        await redis.shutdown()
    }
}

/// A serial executor on a Dispatch queue (no `DispatchSerialQueue` on Linux), so the test can
/// see where an actor's code really runs.
final class RedisQueueExecutor: SerialExecutor {
    static let key = DispatchSpecificKey<Bool>()
    let queue: DispatchQueue

    init() {
        queue = DispatchQueue(label: "redis-isolation-test")
        queue.setSpecific(key: Self.key, value: true)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }
}

/// An actor isolated to `RedisQueueExecutor` (like the main actor: a custom serial executor).
actor RedisQueueActor {
    let executor = RedisQueueExecutor()

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    func run(_ redis: RedisClient, key: String) async throws -> Int {
        var off = 0
        for _ in 0..<50 {
            try await redis.send("INCR", key)
            if DispatchQueue.getSpecific(key: RedisQueueExecutor.key) != true { off += 1 }
        }
        return off
    }
}

/// A default actor whose code after each reply marks itself busy for a moment: two of its
/// callers running at once (lost isolation) see each other's mark.
actor RedisOverlapActor {
    private let busy = Atomic<Bool>(false)
    private(set) var overlaps = 0

    func run(_ redis: RedisClient, key: String) async throws {
        for _ in 0..<100 {
            try await redis.send("INCR", key)
            if busy.exchange(true, ordering: .relaxed) { overlaps += 1 }
            let until = ContinuousClock.now + .microseconds(50)
            while ContinuousClock.now < until {}
            busy.store(false, ordering: .relaxed)
        }
    }
}
