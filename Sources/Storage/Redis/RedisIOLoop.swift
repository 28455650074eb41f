import Dispatch
import Foundation
import Glibc
import Synchronization

/// One thread that drives one or more Redis connections: it takes callers' submissions, writes
/// them, polls every socket and the wake pipe in one `poll`, parses replies and lets each
/// connection's state machine decide. It is also a task executor (see `RedisIOLoop+Executor.swift`).
///
/// Why several connections share a thread: with a thread per connection, two connections plus
/// Redis made three busy threads on a two-core machine, and each connection thread slept in
/// `poll` whenever its batch was at Redis (about 28,700 context switches in 2 s of pipelined
/// INCR). One thread serving both keeps working on one connection's replies while Redis answers
/// the other, as `redis-benchmark` drives all its connections from one thread.
final class RedisIOLoop: Sendable {
    /// The hand-over point for jobs of tasks that prefer this loop as their executor.
    struct Shared {
        var jobs: [UnownedJob] = []
        /// The thread waits in poll(): a job from another thread must write a wake-up byte.
        var sleeping = false
        /// A wake-up byte is already on its way.
        var wakePending = false
        var started = false
        var exited = false
    }

    let name: String
    let shared: RedisSpinLock<Shared>
    /// The loop thread's `pthread_self()` once it runs (0 before and after): lets a caller know it
    /// is on this thread, where it needs no wake-up and is resumed without a thread hop.
    let threadID = Atomic<UInt>(0)
    /// Jobs in `Shared.jobs` (maintained under the lock), so the loop skips the lock when none.
    let queuedJobs = Atomic<Int>(0)
    let wakeRead: Int32
    let wakeWrite: Int32

    init(name: String) throws(RedisError) {
        self.name = name
        shared = RedisSpinLock(Shared())
        (wakeRead, wakeWrite) = try RedisSocket.makeWakePipe()
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Starts the thread (once) for these connections, which must all have been created with this
    /// loop. The thread keeps them alive until every one of them has shut down.
    func start(_ connections: [RedisConnection]) {
        let first = shared.withLock { shared in
            defer { shared.started = true }
            return !shared.started
        }
        guard first else { return }
        for connection in connections { connection.markStarted() }
        let thread = Thread { [self] in run(connections) }
        thread.name = name
        thread.start()
    }

    /// True on this loop's own thread (a task running on the loop as its executor).
    var isOnThread: Bool {
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Jobs taken from the queue and being run in chunks (see `runJobs`).
    struct JobBatch {
        var jobs: [UnownedJob] = []
        var head = 0
        var chunk = 16
        var hasQueued: Bool { head < jobs.count }
    }

    private func run(_ connections: [RedisConnection]) {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        var workers = connections.map { RedisConnection.Worker(machine: .init(settings: $0.settings)) }
        var batch = JobBatch()
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { readBuffer.deallocate() }
        var fds = [pollfd](repeating: pollfd(fd: -1, events: 0, revents: 0), count: connections.count + 1)
        fds[0] = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        for index in connections.indices { connections[index].begin(&workers[index]) }

        while true {
            // Jobs first: the commands they send are then taken and written in this same turn.
            runJobs(&batch)
            var open = 0
            for index in connections.indices {
                if connections[index].turn(&workers[index]) { open += 1 }
            }
            if open == 0 { break }
            guard let lazy = prepareToSleep(connections, &workers, batch) else { continue }

            fds[0].revents = 0
            var deadline: ContinuousClock.Instant?
            // Fields read in place: copying a whole `Worker` would retain and release its buffers.
            for index in connections.indices {
                let fd = workers[index].fd
                fds[index + 1] = pollfd(fd: fd, events: 0, revents: 0)
                if fd >= 0 {
                    fds[index + 1].events = workers[index].connecting
                        ? Int16(POLLOUT) : Int16(POLLIN) | (workers[index].hasUnwritten ? Int16(POLLOUT) : 0)
                }
                if let next = workers[index].machine.nextDeadline { deadline = deadline.map { min($0, next) } ?? next }
            }
            var timeout = RedisConnection.timeoutMilliseconds(until: deadline)
            if lazy { timeout = min(timeout, 1) }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            shared.withLock { $0.sleeping = false }
            if ready <= 0 {
                if lazy {
                    for index in workers.indices where workers[index].waitsLazily { workers[index].lazyExpired = true }
                }
                continue
            }
            if fds[0].revents != 0 { drainWakePipe() }
            for index in connections.indices where fds[index + 1].revents != 0 {
                connections[index].handle(events: Int32(fds[index + 1].revents), &workers[index], readBuffer: readBuffer)
            }
        }
        // A later thread may get the same pthread id: it must not pass for this one.
        threadID.store(0, ordering: .relaxed)
        let late = shared.withLock { shared in
            shared.exited = true
            defer { shared.jobs = [] }
            return shared.jobs
        }
        queuedJobs.store(0, ordering: .relaxed)
        // Tasks parked on this thread as their executor still have to finish: elsewhere now.
        runElsewhere(Array(batch.jobs[batch.head...]) + late)
        for index in connections.indices { connections[index].finish(&workers[index]) }
    }

    /// Decides how to wait: nil means "do not sleep, there is work"; true means a lazy wait (at
    /// most 1 ms, see `RedisConnection.prepareToSleep`) because some connection waits for replies
    /// that will wake the thread anyway; false means a normal sleep that any submission interrupts.
    private func prepareToSleep(_ connections: [RedisConnection], _ workers: inout [RedisConnection.Worker],
                                _ batch: JobBatch) -> Bool? {
        if batch.hasQueued { return nil }
        var lazy = false
        for index in connections.indices {
            guard let connectionLazy = connections[index].prepareToSleep(&workers[index]) else { return nil }
            lazy = lazy || connectionLazy
        }
        let busy = shared.withLock { shared in
            if !shared.jobs.isEmpty { return true }
            shared.sleeping = true
            shared.wakePending = false
            return false
        }
        return busy ? nil : lazy
    }

    /// One read, not a loop until EAGAIN: `wakePending` keeps the pipe to a byte or two, and
    /// anything left makes the next poll return at once, so the second read (one system call per
    /// wake-up, thousands per second) buys nothing.
    private func drainWakePipe() {
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        _ = withUnsafeMutableBytes(of: &scratch) { read(wakeRead, $0.baseAddress, $0.count) }
    }
}
