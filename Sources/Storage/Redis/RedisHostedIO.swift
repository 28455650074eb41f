import CEpoll
import Glibc

/// One Redis connection driven by somebody else's event loop thread (an HTTP event loop) instead
/// of a `RedisIOLoop` thread of its own, so that a handler on that loop sends its command, the
/// command is written, the reply read and the handler resumed all on one thread: no wake-up of
/// the Redis thread, no hand-back to the loop (each crossing was a context switch on 2 cores,
/// about a fifth of an authenticated Redis-backed request's CPU).
///
/// The host watches `fileDescriptor` (an epoll instance holding the Redis socket and the wake
/// pipe: readable when there is I/O to do), calls `run()` when it is readable and once per turn
/// of its loop before it waits (that is where commands its handlers sent during the turn are
/// written, together), and sleeps at most as long as `run()` says. Only callers on the host's
/// thread use this connection (`RedisClient.pickConnection`), so it never needs the lock-free
/// hand-over tricks of the threaded path; anything else (shutdown, a lookup's answer, a
/// cancellation) wakes the host through the wake pipe.
///
/// Safety of `@unchecked Sendable`: `state` is touched only by `run()` and `hostStopped()`, which
/// the host calls on its own thread only (documented on both; the HTTP event loop calls them from
/// its `run()`); the rest are immutable references to Sendable objects and a descriptor number.
public final class RedisHostedIO: @unchecked Sendable {
    /// Readable when `run()` has I/O to do: watch it for input, level-triggered.
    public let fileDescriptor: Int32
    let loop: RedisIOLoop
    let connection: RedisConnection
    private var state: State

    /// Everything the host's thread alone touches.
    private struct State {
        var worker: RedisConnection.Worker
        var started = false
        var finished = false
        /// The socket as registered in the epoll instance (fd, socket generation, events).
        var registered: (fd: Int32, generation: Int, events: UInt32)?
        /// When the last `run()` asked for a lazy wait (see `RedisConnection.prepareToSleep`).
        var lazySince: ContinuousClock.Instant?
        var events: [epoll_event] = Array(repeating: epoll_event(), count: 4)
        let readBuffer: UnsafeMutableRawBufferPointer
    }

    static let wakeID: UInt64 = 0
    static let socketID: UInt64 = 1

    init(connection: RedisConnection) throws(RedisError) {
        self.connection = connection
        self.loop = connection.loop
        let epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else {
            throw RedisError(.connectionFailed, "epoll_create1 failed: \(RedisSocket.errorText(errno))")
        }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.wakeID))
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, loop.wakeRead, &event) == 0 else {
            let code = errno
            close(epollFD)
            throw RedisError(.connectionFailed, "epoll_ctl failed: \(RedisSocket.errorText(code))")
        }
        fileDescriptor = epollFD
        state = State(worker: RedisConnection.Worker(machine: .init(settings: connection.settings)),
                      readBuffer: .allocate(byteCount: 64 * 1024, alignment: 16))
        connection.markStarted()
    }

    deinit {
        state.readBuffer.deallocate()
        close(fileDescriptor)
    }

    /// Does the connection's I/O; host thread only. Returns how long the host may sleep at most,
    /// in milliseconds (0: call again at once; -1: no limit, only `fileDescriptor` matters).
    public func run() -> Int32 {
        if state.finished {
            drainWakePipe()
            return -1
        }
        if !state.started {
            state.started = true
            loop.threadID.store(UInt(pthread_self()), ordering: .relaxed)
            connection.begin(&state.worker)
        }
        // A few rounds, as the threaded loop would go round, then back to the host's other work.
        for _ in 0..<4 {
            guard connection.turn(&state.worker) else {
                finish()
                return -1
            }
            guard let lazy = connection.prepareToSleep(&state.worker) else { continue }
            updateRegistration()
            let count = state.events.withUnsafeMutableBufferPointer { events in
                epoll_wait(fileDescriptor, events.baseAddress, Int32(events.count), 0)
            }
            if count <= 0 {
                let now = ContinuousClock.now
                if lazy {
                    // As the threaded loop's 1 ms poll: a lazy wait without replies ends after 1 ms.
                    if let since = state.lazySince, now - since >= .milliseconds(1) {
                        state.worker.lazyExpired = true
                        state.lazySince = nil
                        continue
                    }
                    if state.lazySince == nil { state.lazySince = now }
                } else {
                    state.lazySince = nil
                }
                let timeout = RedisConnection.timeoutMilliseconds(until: state.worker.machine.nextDeadline)
                return lazy ? min(timeout, 1) : timeout
            }
            state.lazySince = nil
            connection.shared.withLock { $0.sleeping = false }
            var socketEvents: UInt32 = 0
            for index in 0..<Int(count) {
                if state.events[index].data.u64 == Self.wakeID {
                    drainWakePipe()
                } else {
                    socketEvents |= state.events[index].events
                }
            }
            if socketEvents != 0 {
                // epoll's IN/OUT/ERR/HUP bits are poll's.
                connection.handle(events: Int32(bitPattern: socketEvents), &state.worker, readBuffer: state.readBuffer)
            }
        }
        return 0
    }

    /// The host is stopping (host thread only): fail what is pending with `.shutdown` and let go,
    /// as the threaded loop does when it exits. Later `run()` calls do nothing.
    public func hostStopped() {
        guard !state.finished else { return }
        connection.requestShutdown()
        if !state.started {
            state.started = true
            connection.begin(&state.worker)
        }
        // The machine closes at once on a shutdown request; the bound only guards against a bug.
        for _ in 0..<8 where connection.turn(&state.worker) {}
        finish()
    }

    private func finish() {
        state.finished = true
        if let registered = state.registered, state.worker.fd == registered.fd {
            var event = epoll_event()
            _ = epoll_ctl(fileDescriptor, EPOLL_CTL_DEL, registered.fd, &event)
        }
        state.registered = nil
        loop.threadID.store(0, ordering: .relaxed)
        connection.finish(&state.worker)
        drainWakePipe()
    }

    /// Keeps the epoll registration in step with the socket: a new socket (after a reconnect,
    /// possibly with the number of the old one, which closing removed) is added; interest follows
    /// `connecting` and unwritten bytes, as the threaded loop's poll set does.
    private func updateRegistration() {
        // Fields read in place: copying the whole `Worker` would retain and release its buffers.
        let fd = state.worker.fd
        guard fd >= 0 else {
            state.registered = nil
            return
        }
        let generation = state.worker.generation
        let wanted = state.worker.connecting
            ? EPOLLOUT.rawValue : EPOLLIN.rawValue | (state.worker.hasUnwritten ? EPOLLOUT.rawValue : 0)
        var event = epoll_event(events: wanted, data: epoll_data_t(u64: Self.socketID))
        if let registered = state.registered, registered.fd == fd, registered.generation == generation {
            guard registered.events != wanted else { return }
            _ = epoll_ctl(fileDescriptor, EPOLL_CTL_MOD, fd, &event)
        } else if epoll_ctl(fileDescriptor, EPOLL_CTL_ADD, fd, &event) != 0, errno == EEXIST {
            _ = epoll_ctl(fileDescriptor, EPOLL_CTL_MOD, fd, &event)
        }
        state.registered = (fd, generation, wanted)
    }

    private func drainWakePipe() {
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        _ = withUnsafeMutableBytes(of: &scratch) { read(loop.wakeRead, $0.baseAddress, $0.count) }
    }
}
