import Foundation
import Glibc
import Synchronization
import Testing
@testable import Storage

@Suite struct RedisSpinLockTests {
    /// Contended increments from real threads, three times as many as this machine's cores (so
    /// holders do get descheduled): a lost update would show as a short count, a waiter that
    /// never gets the lock as a test that does not finish.
    @Test func serializesUpdatesFromMoreThreadsThanCores() {
        let lock = RedisSpinLock(0)
        let threads = max(6, 3 * ProcessInfo.processInfo.activeProcessorCount)
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                for _ in 0..<20_000 { lock.withLock { $0 += 1 } }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 60) == .success, "a thread never got the lock")
        #expect(lock.withLock { $0 } == threads * 20_000)
    }

    /// A waiter whose holder is away (descheduled; simulated by a holder that sleeps) must give its
    /// core up instead of spinning: over a 300 ms hold it may use only a small share of one core.
    @Test func waiterDoesNotBurnACoreWhileTheHolderIsAway() {
        let lock = RedisSpinLock(0)
        let holding = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let waiterCPU = RedisCPUTime()
        Thread {
            lock.withLock { _ in
                holding.signal()
                usleep(300_000)
            }
        }.start()
        holding.wait()
        Thread {
            let start = RedisCPUTime.currentThread()
            lock.withLock { $0 += 1 }
            waiterCPU.nanoseconds.store(RedisCPUTime.currentThread() - start, ordering: .relaxed)
            finished.signal()
        }.start()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        let spent = Duration.nanoseconds(waiterCPU.nanoseconds.load(ordering: .relaxed))
        #expect(spent < .milliseconds(60), "the waiter used \(spent) of CPU during a 300 ms wait")
        #expect(lock.withLock { $0 } == 1)
    }

    @Test func returnsTheBodysResult() {
        let lock = RedisSpinLock([1, 2])
        let count = lock.withLock { values -> Int in
            values.append(3)
            return values.count
        }
        #expect(count == 3)
        #expect(lock.withLock { $0 } == [1, 2, 3])
    }
}

/// CPU time consumed by one thread, to tell a sleeping waiter from a spinning one.
final class RedisCPUTime: Sendable {
    let nanoseconds = Atomic<Int>(0)

    static func currentThread() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}
