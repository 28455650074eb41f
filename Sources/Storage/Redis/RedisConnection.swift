import Foundation
import Synchronization

/// One TCP connection to Redis driven by its own thread: callers append encoded commands under a
/// lock and wake the thread, which writes everything buffered in one go (automatic pipelining),
/// reads replies and resumes callers in FIFO order. Decisions live in `RedisConnectionStateMachine`;
/// this class only does I/O.
final class RedisConnection: Sendable {
    typealias Waiter = CheckedContinuation<Result<RedisReply, RedisError>, Never>
    typealias Machine = RedisConnectionStateMachine<Waiter>
    typealias Action = Machine.Action

    /// What a connection reports to its owner (pub/sub messages and availability changes).
    enum Event: Sendable {
        case push(RedisReply)
        case ready(downtime: Duration?)
        case disconnected(RedisError)
    }

    /// State shared by callers and the connection thread, always accessed under `state`'s lock.
    struct Shared {
        var machine: Machine
        /// A wake-up byte is already on its way: later callers need not write another.
        var wakePending = false
        var started = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let configuration: RedisConfiguration
    let state: Mutex<Shared>
    /// Mirrors `machine.isReady` so routing can skip a down connection without taking its lock.
    let readyFlag = Atomic<Bool>(false)
    private let ids = Atomic<UInt64>(0)
    let wakeRead: Int32
    let wakeWrite: Int32
    let onEvent: @Sendable (Event) -> Void
    /// Extra commands for each (re)connect, asked for at connect time (a subscriber's channels).
    let extraHandshake: @Sendable () -> [RedisHandshakeCommand]

    init(configuration: RedisConfiguration, isSubscriber: Bool = false,
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
        state = Mutex(Shared(machine: Machine(settings: settings)))
        (wakeRead, wakeWrite) = try RedisSocket.makeWakePipe()
        self.extraHandshake = extraHandshake
        self.onEvent = onEvent
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Starts the connection thread (once).
    func start() {
        let first = state.withLock { shared in
            defer { shared.started = true }
            return !shared.started
        }
        guard first else { return }
        let thread = Thread { [self] in run() }
        thread.name = "redis \(configuration.host):\(configuration.port)"
        thread.start()
    }

    var isReady: Bool { readyFlag.load(ordering: .relaxed) }

    /// Sends one request (`encode` writes its RESP bytes) and waits for its `replies` replies.
    func execute(replies: Int = 1, collects: Bool = false,
                 encode: @Sendable (inout [UInt8]) -> Void) async -> Result<RedisReply, RedisError> {
        if Task.isCancelled { return .failure(RedisError(.cancelled, "the command was cancelled")) }
        let id = ids.wrappingAdd(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let now = ContinuousClock.now
                var wake = false
                let outcome = state.withLock { shared in
                    let outcome = shared.machine.enqueue(id: id, waiter: waiter, replies: replies, collects: collects,
                                                         now: now, encode: encode)
                    if case .flush = outcome, !shared.wakePending {
                        shared.wakePending = true
                        wake = true
                    }
                    return outcome
                }
                if case .fail(let waiter, let error) = outcome { waiter.resume(returning: .failure(error)) }
                if wake { self.wake() }
            }
        } onCancel: {
            self.cancel(id: id)
        }
    }

    private func cancel(id: UInt64) {
        var actions: [Action] = []
        state.withLock { $0.machine.cancel(id: id, into: &actions) }
        for case .complete(let waiter, let result) in actions { waiter.resume(returning: result) }
    }

    /// Fails everything pending, stops the thread and waits until it has closed the socket.
    func shutdown() async {
        requestShutdown()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = state.withLock { shared in
                if shared.exited || !shared.started { return true }
                shared.exitWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }

    /// Like `shutdown` without waiting (usable from `deinit`).
    func requestShutdown() {
        var actions: [Action] = []
        state.withLock { $0.machine.shutdown(into: &actions) }
        readyFlag.store(false, ordering: .relaxed)
        for case .complete(let waiter, let result) in actions { waiter.resume(returning: result) }
        wake()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }
}
