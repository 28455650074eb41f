import Dispatch
import Foundation
import Glibc
import Synchronization

/// Something registered with a loop's selector; called on the loop's thread only.
protocol SelectableHandler: AnyObject {
    func handleEvents(_ events: SelectorEvents)
}

/// One thread running an epoll selector: it owns its connections, timers and a scratch read buffer.
///
/// Safety of `@unchecked Sendable`: every `var` below the `Loop-confined` mark is read and written only
/// on the loop's own thread (callers hop there with `execute`); the cross-thread entry points
/// (`execute`, `scheduleTask`, `inEventLoop`, `wakeUp`) touch only the `Mutex`, the atomic and the eventfd.
public final class EventLoop: @unchecked Sendable {
    public let index: Int
    let selector: Selector
    private let inbox = Mutex<Inbox>(Inbox())
    private let threadID = Atomic<UInt>(0)

    /// Tasks handed over from other threads, and whether a wake-up is already on its way.
    private struct Inbox {
        var tasks: [@Sendable () -> Void] = []
        var wakePending = false
        /// `run()` has drained its last task: later work goes to `afterStop`.
        var stopped = false
    }

    /// Runs work submitted after the loop stopped, so continuations (`submit`, a streaming writer
    /// waiting to drain) still resume instead of hanging past a shutdown deadline. Serial, and only
    /// used once the loop thread is done, so loop-confined state is still touched by one thread at a time.
    private let afterStop = DispatchQueue(label: "http-loop-stopped")

    // Loop-confined.
    /// Tasks queued from the loop's own thread: no lock and no wake-up needed.
    private var localTasks: [() -> Void] = []
    private var handlers: [UInt64: any SelectableHandler] = [:]
    private var nextRegistrationID: UInt64 = 1
    private var timers = TimerHeap()
    private var running = true
    /// Other I/O this loop drives (see `EventLoop+Sources.swift`).
    var sources: [AttachedSource] = []
    /// Shared by all connections of this loop: reads are copied into parsers at once.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var dateCache = HTTPDateCache()
    /// Storage for encoding one response at a time (taken and given back around each write), so a
    /// response does not cost an array allocation; only small capacities are kept.
    var responseScratch: [UInt8] = []

    init(index: Int) throws(SystemError) {
        self.index = index
        self.selector = try Selector()
    }

    deinit { readBuffer.deallocate() }

    /// True on this loop's thread: loop-confined state may be touched directly.
    public var inEventLoop: Bool {
        pthread_equal(pthread_self(), pthread_t(threadID.load(ordering: .acquiring))) != 0
    }

    /// Runs `task` on this loop's thread, soon; safe from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            localTasks.append(task)
            return
        }
        let mustWake = inbox.withLock { inbox -> Bool? in
            guard !inbox.stopped else { return nil }
            inbox.tasks.append(task)
            if inbox.wakePending { return false }
            inbox.wakePending = true
            return true
        }
        switch mustWake {
        case true?: selector.wakeUp()
        case false?: break
        case nil: afterStop.async(execute: task)
        }
    }

    /// Runs `body` on the loop and returns its result to an async caller.
    public func submit<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            execute { continuation.resume(returning: body()) }
        }
    }

    /// Schedules `task` after `delay`; safe from any thread; cancel with the returned handle.
    @discardableResult
    public func scheduleTask(in delay: Duration, _ task: @escaping @Sendable () -> Void) -> ScheduledTask {
        let deadline = MonotonicClock.nanoseconds() &+ MonotonicClock.nanoseconds(delay)
        if inEventLoop { return timers.schedule(deadline: deadline, task) }
        let handle = ScheduledTask(deadline: deadline, sequence: 0)
        execute { [self] in
            let inner = timers.schedule(deadline: deadline) { if !handle.isCancelled { task() } }
            _ = inner
        }
        return handle
    }

    /// Loop-only variant for loop-confined callers whose closures are not Sendable.
    func scheduleOnLoop(deadline: UInt64, _ task: @escaping () -> Void) -> ScheduledTask {
        timers.schedule(deadline: deadline, task)
    }

    func register(fd: Int32, interest: SelectorEvents, handler: any SelectableHandler,
                  exclusive: Bool = false) throws(SystemError) -> UInt64 {
        let id = nextRegistrationID
        nextRegistrationID += 1
        try selector.register(fd: fd, id: id, interest: interest, exclusive: exclusive)
        handlers[id] = handler
        return id
    }

    func modify(fd: Int32, id: UInt64, interest: SelectorEvents) throws(SystemError) {
        try selector.modify(fd: fd, id: id, interest: interest)
    }

    /// Removes the registration; events already fetched for `id` are dropped because the id is gone.
    func deregister(fd: Int32, id: UInt64) {
        selector.deregister(fd: fd)
        handlers[id] = nil
    }

    /// The loop body; returns after `stop()`.
    func run() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        while running {
            runInbox()
            guard running else { break }
            for work in timers.popDue(now: MonotonicClock.nanoseconds()) { work() }
            // Last before the wait: what this turn's handlers asked of the sources goes out now.
            let sourceTimeout = sources.isEmpty ? -1 : runSources()
            do {
                try selector.wait(timeoutMilliseconds: Self.shorter(waitTimeout(), sourceTimeout)) { id, events in
                    handlers[id]?.handleEvents(events)
                }
                // Work the events queued on this loop (handler tasks) now, not after another epoll_wait.
                runLocalTasks()
            } catch {
                // epoll_wait only fails on programming errors (EBADF, EINVAL); avoid a hot spin.
                usleep(1_000)
            }
        }
        // Sources first: the callers they fail are resumed by the drain below.
        stopSources()
        // Drain until both queues are empty (a task may queue another), then mark the inbox stopped in
        // the same critical section that found it empty, so no task can slip in unseen.
        while true {
            runLocalTasks()
            let tasks = inbox.withLock { inbox -> [@Sendable () -> Void] in
                if inbox.tasks.isEmpty && localTasks.isEmpty { inbox.stopped = true }
                defer { inbox.tasks.removeAll() }
                return inbox.tasks
            }
            if tasks.isEmpty && localTasks.isEmpty { break }
            for task in tasks { task() }
        }
        // From here `inEventLoop` is false, so even this thread's late `execute` calls take the locked path.
        threadID.store(0, ordering: .releasing)
        handlers.removeAll()
    }

    /// Asks the loop to exit after its current iteration; safe from any thread.
    func stop() { execute { [self] in running = false } }

    private func runInbox() {
        runLocalTasks()
        let tasks = inbox.withLock { inbox -> [@Sendable () -> Void] in
            inbox.wakePending = false
            defer { inbox.tasks.removeAll(keepingCapacity: true) }
            return inbox.tasks
        }
        for task in tasks { task() }
    }

    /// Only the tasks queued so far: a task that queues another does not starve the selector.
    private func runLocalTasks() {
        guard !localTasks.isEmpty else { return }
        var local: [() -> Void] = []
        swap(&local, &localTasks)
        for task in local { task() }
        // Reuse the drained array's storage when nothing new was queued meanwhile.
        if localTasks.isEmpty {
            local.removeAll(keepingCapacity: true)
            localTasks = local
        }
    }

    /// True until the loop leaves its main loop (loop thread, or after it stopped).
    var isRunning: Bool { running }

    /// The shorter of two epoll timeouts (-1: no limit).
    static func shorter(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        return min(a, b)
    }

    private func waitTimeout() -> Int32 {
        if !localTasks.isEmpty || inbox.withLock({ !$0.tasks.isEmpty }) { return 0 }
        guard let deadline = timers.nextDeadline else { return -1 }
        let now = MonotonicClock.nanoseconds()
        guard deadline > now else { return 0 }
        let milliseconds = (deadline - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, 60_000))
    }
}
