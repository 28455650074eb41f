import Foundation
import Synchronization

/// One TCP connection to Redis, driven by a `RedisIOLoop` thread (shared with the client's other
/// connections): callers append encoded commands under a lock and wake the thread, which writes
/// everything buffered in one go (automatic pipelining), reads replies and resumes callers in FIFO
/// order. Decisions live in `RedisConnectionStateMachine`; this class only does I/O.
final class RedisConnection: Sendable {
    typealias Machine = RedisConnectionStateMachine<Waiter>
    typealias Action = Machine.Action

    /// What a waiting caller is resumed with: its result, or (first wait only) word that its
    /// command is slow and it should reattach with a cancellation handler (see `release`).
    enum Outcome: Sendable {
        case done(Result<RedisReply, RedisError>)
        case released
    }

    /// What a connection reports to its owner (pub/sub messages and availability changes).
    enum Event: Sendable {
        case push(RedisReply)
        case ready(downtime: Duration?)
        case disconnected(RedisError)
    }

    /// The hand-over point between callers and the loop thread, always used under `shared`'s
    /// lock. Kept tiny so callers never wait behind reply processing: the state machine itself
    /// belongs to the loop thread alone.
    struct Shared {
        /// Requests not yet taken by the loop thread, in order; their bytes are in `outbound`.
        var inbox: [Machine.Submission] = []
        var outbound: [UInt8] = []
        var cancellations: [UInt64] = []
        /// Released callers coming back with a new waiter (see `awaitReleased`).
        var reattachments: [(id: UInt64, waiter: Waiter)] = []
        /// Set by the loop thread: why new requests are refused right now (nil: accepted).
        var refusal: RedisError?
        var shutdownRequested = false
        /// The loop thread sleeps in poll() and only a wake-up byte brings it back; when false
        /// it is busy (or waiting for replies it will get anyway) and checks the inbox by itself.
        var sleeping = false
        /// During a lazy wait: inbox size at which a caller wakes the thread anyway, so the next
        /// batch goes out while Redis still works on the previous one (two batches in flight).
        var lazyFlushAt = Int.max
        /// A wake-up byte is already on its way: later callers need not write another.
        var wakePending = false
        /// Set when the loop starts / once the loop thread is done with this connection.
        var started = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let configuration: RedisConfiguration
    let shared: RedisSpinLock<Shared>
    /// The thread that drives this connection (and the task executor of its callers, if they opt in).
    let loop: RedisIOLoop
    /// The state machine is created from these inside the loop thread, which alone owns it.
    let settings: Machine.Settings
    /// Mirrors `machine.isReady` so routing can skip a down connection without taking its lock.
    let readyFlag = Atomic<Bool>(false)
    private let ids = Atomic<UInt64>(0)
    /// Requests submitted and not yet answered, for routing (see `RedisClient.pickConnection`).
    let inFlight = Atomic<Int>(0)
    let onEvent: @Sendable (Event) -> Void
    /// Extra commands for each (re)connect, asked for at connect time (a subscriber's channels).
    let extraHandshake: @Sendable () -> [RedisHandshakeCommand]
    /// How the host name is looked up for each connect (tests substitute a slow lookup).
    let resolver: RedisAddressResolver.LookupFunction

    /// `loop`: the thread to be driven by (the caller starts it with all its connections); nil
    /// gives the connection a loop of its own (started by `start()`).
    init(configuration: RedisConfiguration, loop: RedisIOLoop? = nil, isSubscriber: Bool = false,
         resolver: @escaping RedisAddressResolver.LookupFunction = RedisAddressResolver.system,
         extraHandshake: @escaping @Sendable () -> [RedisHandshakeCommand] = { [] },
         onEvent: @escaping @Sendable (Event) -> Void = { _ in }) throws(RedisError) {
        self.configuration = configuration
        var handshake: [RedisHandshakeCommand] = []
        if let password = configuration.password {
            let parts = configuration.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            handshake.append(RedisHandshakeCommand(parts: parts, isAuthentication: true))
        }
        if configuration.database != 0 {
            handshake.append(RedisHandshakeCommand(parts: ["SELECT", String(configuration.database)]))
        }
        let settings = Machine.Settings(
            endpoint: "\(configuration.host):\(configuration.port)", connectTimeout: configuration.connectTimeout,
            commandTimeout: configuration.commandTimeout, backoff: configuration.backoff, handshake: handshake,
            isSubscriber: isSubscriber)
        shared = RedisSpinLock(Shared())
        self.settings = settings
        if let loop {
            self.loop = loop
        } else {
            self.loop = try RedisIOLoop(name: "redis \(configuration.host):\(configuration.port)")
        }
        self.extraHandshake = extraHandshake
        self.resolver = resolver
        self.onEvent = onEvent
    }

    /// Starts the loop of a connection created without one (a subscriber's).
    func start() {
        loop.start([self])
    }

    /// Called by the loop as it starts: from now on `shutdown` waits for the loop to let go.
    func markStarted() {
        shared.withLock { $0.started = true }
    }

    /// True on the thread that drives this connection.
    var isOnConnectionThread: Bool { loop.isOnThread }

    var isReady: Bool { readyFlag.load(ordering: .relaxed) }

    /// Why requests are refused right now, if they are (for health reports).
    var refusalReason: RedisError? { shared.withLock { $0.refusal } }

    /// Sends one request (`encode` writes its RESP bytes) and waits for its `replies` replies.
    ///
    /// The wait has no cancellation handler: registering one per command (a status record added
    /// and removed under the task's lock) cost about a fifth of the CPU of a pipelined command.
    /// A caller cancelled before it submits is refused at once; one cancelled while waiting gets
    /// its reply if that comes within `releaseDelay` (5 ms), otherwise the loop thread
    /// releases it and it waits again behind a handler (`awaitReleased`), which detaches it at once.
    nonisolated(nonsending) func execute(replies: Int = 1, collects: Bool = false, errorEndsRequest: Bool = false,
                 encode: @Sendable (inout [UInt8]) -> Void) async -> Result<RedisReply, RedisError> {
        let id = ids.wrappingAdd(1, ordering: .relaxed).newValue
        inFlight.wrappingAdd(1, ordering: .relaxed)
        let outcome = await submit(id: id, replies: replies, collects: collects, errorEndsRequest: errorEndsRequest,
                                   encode: encode)
        if case .done(let result) = outcome { return result }
        return await awaitReleased(id: id)
    }

    /// The first wait, in a function of its own (kept out of line): with an inheriting continuation
    /// (rather than `withUnsafeContinuation(isolation:)`) the task resumes on the executor it
    /// suspended on, and the compiler emits no hop back to the caller's isolation after the wait
    /// (it still emits one on entry). Each such hop on a task with an executor preference takes
    /// the task's status lock in the runtime (about 5% of the CPU of a pipelined command); measured
    /// with `perf probe` on `swift_task_switch`: 3 -> 2 per command, the other being the caller's.
    @inline(never)
    private nonisolated(nonsending) func submit(id: UInt64, replies: Int, collects: Bool, errorEndsRequest: Bool,
                                                encode: @Sendable (inout [UInt8]) -> Void) async -> Outcome {
        await _unsafeInheritExecutor_withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
            // On the loop thread the loop takes the inbox right after the current batch of jobs,
            // so no wake-up byte is needed, and the reply resumes this caller there (see `resume`).
            let onThread = isOnConnectionThread
            let waiter = Waiter(continuation, onThread: onThread)
            var wake = false
            let refusal = shared.withLock { shared -> RedisError? in
                if let refusal = shared.refusal { return refusal }
                if Task.isCancelled { return RedisError(.cancelled, "the command was cancelled") }
                shared.inbox.append(Machine.Submission(id: id, waiter: waiter, replies: replies, collects: collects,
                                                         errorEndsRequest: errorEndsRequest))
                encode(&shared.outbound)
                if !onThread && (shared.sleeping || shared.inbox.count >= shared.lazyFlushAt) && !shared.wakePending {
                    shared.wakePending = true
                    wake = true
                }
                return nil
            }
            if let refusal {
                inFlight.wrappingSubtract(1, ordering: .relaxed)
                waiter.resume(returning: .done(.failure(refusal)))
            }
            if wake { self.wake() }
        }
    }

    /// The second wait of a released caller, behind a cancellation handler. A cancellation that
    /// came earlier runs `onCancel` at once; either way the loop thread sees the reattachment
    /// and the cancellation in that order or the other, and answers `.cancelled` in both.
    private nonisolated(nonsending) func awaitReleased(id: UInt64) async -> Result<RedisReply, RedisError> {
        let outcome = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
                let waiter = Waiter(continuation, onThread: isOnConnectionThread)
                let (accepted, wake) = shared.withLock { shared -> (Bool, Bool) in
                    // After the thread exited nobody would answer (the machine failed everything).
                    if shared.exited { return (false, false) }
                    shared.reattachments.append((id, waiter))
                    defer { shared.wakePending = true }
                    return (true, !shared.wakePending)
                }
                if !accepted {
                    inFlight.wrappingSubtract(1, ordering: .relaxed)
                    waiter.resume(returning: .done(.failure(RedisError(.shutdown, "the Redis client was shut down"))))
                }
                if wake { self.wake() }
            }
        } onCancel: {
            self.cancel(id: id)
        }
        guard case .done(let result) = outcome else {
            // The machine releases a caller once; a second release would be a bug, not a reply.
            return .failure(RedisError(.protocolError, "internal error: a reattached command was released again"))
        }
        return result
    }

    /// Asks the loop thread to answer this request with `.cancelled` (if still unanswered).
    private func cancel(id: UInt64) {
        let wake = shared.withLock { shared in
            shared.cancellations.append(id)
            defer { shared.wakePending = true }
            return !shared.wakePending
        }
        if wake { self.wake() }
    }

    /// Fails everything pending and waits until the loop thread has closed the socket and let go
    /// of the connection, which it does once every connection it drives has shut down: request
    /// shutdown of all of them first (as `RedisClient.shutdown` does), or this waits for the others.
    func shutdown() async {
        requestShutdown()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = shared.withLock { shared in
                if shared.exited || !shared.started { return true }
                shared.exitWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }

    /// Like `shutdown` without waiting (usable from `deinit`).
    func requestShutdown() {
        shared.withLock { shared in
            shared.shutdownRequested = true
            shared.refusal = RedisError(.shutdown, "the Redis client was shut down")
        }
        readyFlag.store(false, ordering: .relaxed)
        wake()
    }

    func wake() {
        loop.wake()
    }
}
