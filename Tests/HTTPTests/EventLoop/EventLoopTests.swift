import Synchronization
import Testing
@testable import HTTP

/// The loop itself: cross-thread execute, ordering, scheduled and cancelled tasks, task executor.
@Suite struct EventLoopTests {
    @Test func executeRunsOnTheLoopInOrder() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let seen = Mutex<[Int]>([])
        for index in 0..<100 { loop.execute { seen.withLock { $0.append(index) } } }
        let onLoop = await loop.submit { loop.inEventLoop }
        #expect(onLoop)
        #expect(!loop.inEventLoop)
        #expect(seen.withLock { $0 } == Array(0..<100))
        await group.shutdown()
    }

    @Test func scheduledTasksFireInDeadlineOrderAndCancelledOnesNever() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let fired = Mutex<[String]>([])
        loop.scheduleTask(in: .milliseconds(60)) { fired.withLock { $0.append("late") } }
        loop.scheduleTask(in: .milliseconds(20)) { fired.withLock { $0.append("early") } }
        let cancelled = loop.scheduleTask(in: .milliseconds(40)) { fired.withLock { $0.append("cancelled") } }
        cancelled.cancel()
        try await Task.sleep(for: .milliseconds(200))
        #expect(fired.withLock { $0 } == ["early", "late"])
        await group.shutdown()
    }

    @Test func tasksPreferringTheLoopRunOnIt() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        let loop = group.loops[1]
        let result = await Task(executorPreference: loop) { loop.inEventLoop }.value
        #expect(result)
        await group.shutdown()
    }

    /// After `run()` returns, work still runs (on the fallback queue) instead of being lost: a
    /// `submit` after shutdown used to hang forever.
    @Test func workSubmittedAfterStopStillRuns() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        await group.shutdown()
        let ran = Mutex<Int>(0)
        loop.execute { ran.withLock { $0 += 1 } }
        for _ in 0..<100 where ran.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(ran.withLock { $0 } == 1)
        let value = await loop.submit { 42 }  // would hang without the fallback
        #expect(value == 42)
    }

    @Test func timerHeapSweepsCancelledEntries() {
        var heap = TimerHeap()
        var tasks: [ScheduledTask] = []
        for index in 0..<4_096 { tasks.append(heap.schedule(deadline: UInt64(index + 1_000)) {}) }
        for task in tasks.dropLast(10) { task.cancel() }
        _ = heap.schedule(deadline: 1) {}
        for index in 0..<1_023 { _ = heap.schedule(deadline: UInt64(10_000 + index)) {} }
        #expect(heap.count < 4_096)
        #expect(heap.popDue(now: 6_000).count == 11)
    }
}
