import Glibc
import Synchronization

/// The lock on a connection's hand-over point (`RedisConnection.Shared`), where callers append a
/// command and the connection thread takes the whole batch. Critical sections there are a few
/// dozen nanoseconds, but under automatic pipelining two pool threads and the connection thread
/// hit the lock constantly: `Mutex` (a priority-inheritance futex on Linux) then puts the loser to
/// sleep in the kernel and wakes it with another system call, costing two context switches for a
/// wait far shorter than either. This lock spins briefly instead.
///
/// A lock held longer than a short spin means its holder was descheduled (on 2 cores with Redis
/// and more runnable threads than cores that does happen). Spinning on would then take a core from
/// the very thread that must run to release the lock, so the waiter escalates: a few
/// `sched_yield`s (which return at once when nothing else is runnable on this core, so they alone
/// would still burn the time slice), then sleeps growing from 20 µs to 1 ms. A waiter thus uses
/// little CPU however long it waits. The lock is not fair (no FIFO hand-off): a sleeping waiter
/// competes again each time it wakes, which is enough here because every holder keeps the lock for
/// nanoseconds and the lock is free almost all the time.
///
/// Safety of `@unchecked Sendable`: `value`'s pointee is read and written only inside `withLock` (and
/// in `init`/`deinit`, which no other thread can overlap), between an
/// acquiring exchange that set `locked` from false to true and the releasing store that clears
/// it, so at most one thread touches it at a time and each sees the previous holder's writes;
/// `Value` is `Sendable`, so handing it from thread to thread this way is allowed.
///
/// The value lives behind a pointer rather than in a stored `var`: a class's `var` passed `inout`
/// costs a dynamic exclusivity check (two runtime calls) on every access, and this lock is taken
/// a few times per pipelined command; the lock itself already guarantees exclusive access.
final class RedisSpinLock<Value: Sendable>: @unchecked Sendable {
    private let locked = Atomic<Bool>(false)
    private let value: UnsafeMutablePointer<Value>

    init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock()
        defer { locked.store(false, ordering: .releasing) }
        return body(&value.pointee)
    }

    private func lock() {
        var spins = 0
        var yields = 0
        var sleepNanoseconds = 20_000
        while true {
            if !locked.exchange(true, ordering: .acquiring) { return }
            // Wait for the lock to look free before trying again (reads keep the cache line
            // shared instead of bouncing it with writes), escalating as described above.
            while locked.load(ordering: .relaxed) {
                if spins < 1000 {
                    spins += 1
                } else if yields < 8 {
                    yields += 1
                    sched_yield()
                } else {
                    var pause = timespec(tv_sec: 0, tv_nsec: sleepNanoseconds)
                    nanosleep(&pause, nil)
                    sleepNanoseconds = min(sleepNanoseconds * 2, 1_000_000)
                }
            }
        }
    }
}
