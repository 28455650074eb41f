import Glibc
import Synchronization

/// The lock on a connection's hand-over point (`RedisConnection.Shared`), where callers append a
/// command and the connection thread takes the whole batch. Critical sections there are a few
/// dozen nanoseconds, but under automatic pipelining two pool threads and the connection thread
/// hit the lock constantly: `Mutex` (a priority-inheritance futex on Linux) then puts the loser to
/// sleep in the kernel and wakes it with another system call, costing two context switches for a
/// wait far shorter than either. This lock spins briefly instead, and yields the processor only
/// when the holder seems descheduled (on 2 cores with Redis beside us that does happen).
///
/// Safety of `@unchecked Sendable`: `value` is read and written only inside `withLock`, between an
/// acquiring exchange that set `locked` from false to true and the releasing store that clears
/// it, so at most one thread touches it at a time and each sees the previous holder's writes;
/// `Value` is `Sendable`, so handing it from thread to thread this way is allowed.
final class RedisSpinLock<Value: Sendable>: @unchecked Sendable {
    private let locked = Atomic<Bool>(false)
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock()
        defer { locked.store(false, ordering: .releasing) }
        return body(&value)
    }

    private func lock() {
        while true {
            if !locked.exchange(true, ordering: .acquiring) { return }
            // Wait for the lock to look free before trying again (reads keep the cache line
            // shared instead of bouncing it with writes); give up the core after a while.
            var spins = 0
            while locked.load(ordering: .relaxed) {
                spins += 1
                if spins >= 4000 {
                    sched_yield()
                    spins = 0
                }
            }
        }
    }
}
