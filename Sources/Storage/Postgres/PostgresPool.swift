import Foundation
import Synchronization

/// A bounded set of workers (one thread + one session each). Callers beyond the pool size wait in
/// FIFO order until a worker is released, their acquire timeout fires, or their task is cancelled.
final class PostgresPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Result<Int, PostgresError>, Never>
    }

    private struct State {
        /// Free worker indices, most recently used last (reused first, so spare sessions stay unopened).
        var idle: [Int]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    let workers: [PostgresWorker]
    private let state: Mutex<State>
    private let acquireTimeout: Duration

    init(configuration: PostgresConfiguration) {
        workers = (0..<configuration.poolSize).map { index in
            PostgresWorker(configuration: configuration, name: "postgres-\(index)")
        }
        state = Mutex(State(idle: Array((0..<configuration.poolSize).reversed())))
        acquireTimeout = configuration.acquireTimeout
    }

    /// Returns the index of a worker now owned by the caller, who must `release` it.
    func acquire() async throws(PostgresError) -> Int {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int, PostgresError>, Never>) in
                let immediate: Result<Int, PostgresError>? = state.withLock { state in
                    if state.closed { return .failure(.clientClosed) }
                    if let index = state.idle.popLast() { return .success(index) }
                    // Checked under the lock: onCancel takes it too, so it cannot slip in between.
                    if Task.isCancelled { return .failure(Self.cancelled) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else {
                    scheduleTimeout(for: id)
                }
            }
        } onCancel: {
            fail(waiter: id, with: Self.cancelled)
        }
        return try result.get()
    }

    /// Hands the worker straight to the oldest waiter, or marks it idle.
    func release(_ index: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(index)
            return nil
        }
        waiter?.continuation.resume(returning: .success(index))
    }

    /// Fails every waiter and stops every worker once its queued jobs are done.
    func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.continuation.resume(returning: .failure(.clientClosed)) }
        workers.forEach { $0.stop() }
    }

    private func scheduleTimeout(for id: UInt64) {
        let milliseconds = Int(clamping: PostgresConfiguration.milliseconds(acquireTimeout))
        let message = "no PostgreSQL connection free within \(milliseconds) ms (pool of \(workers.count))"
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [weak self] in
            self?.fail(waiter: id, with: PostgresError(code: .poolExhausted, message: message))
        }
    }

    private func fail(waiter id: UInt64, with error: PostgresError) {
        let waiter = state.withLock { state -> Waiter? in
            guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: position)
        }
        waiter?.continuation.resume(returning: .failure(error))
    }

    private static let cancelled = PostgresError(code: .cancelled, message: "cancelled while waiting for a connection")
}
