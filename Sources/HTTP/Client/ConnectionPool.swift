import Synchronization

/// Keep-alive connections per origin, at most `maxPerOrigin` open (busy, idle or connecting) at once;
/// requests beyond the cap wait in line and get the next released connection or slot.
///
/// Thread-safe through one Mutex; continuations are always resumed outside it.
final class ConnectionPool: Sendable {
    /// What a request gets from the pool.
    enum Grant: Sendable {
        case reuse(ClientConnection)
        /// A slot is reserved for the caller: open a connection, and `release` it (or nil) when done.
        case create
        case failed(HTTPClientError)
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, Never>
    }

    private struct OriginState {
        /// Most recently used last: reuse takes the warmest connection.
        var idle: [ClientConnection] = []
        var open = 0
        var waiters: [Waiter] = []
    }

    private struct State {
        var origins: [HTTPOrigin: OriginState] = [:]
        var nextWaiter: UInt64 = 0
        var shutDown = false
    }

    private let state = Mutex(State())
    let maxPerOrigin: Int

    init(maxPerOrigin: Int) {
        self.maxPerOrigin = max(1, maxPerOrigin)
    }

    /// An idle connection, a slot to open one, or (after waiting up to `timeout`) `timeoutError`.
    func acquire(_ origin: HTTPOrigin, timeout: Duration, timeoutError: HTTPClientError, timerLoop: EventLoop) async -> Grant {
        await withCheckedContinuation { (continuation: CheckedContinuation<Grant, Never>) in
            let outcome = state.withLock { state -> (grant: Grant?, waiter: UInt64) in
                if state.shutDown { return (.failed(.shutdown), 0) }
                var entry = state.origins[origin, default: OriginState()]
                defer { state.origins[origin] = entry }
                if let connection = entry.idle.popLast() { return (.reuse(connection), 0) }
                if entry.open < maxPerOrigin {
                    entry.open += 1
                    return (.create, 0)
                }
                state.nextWaiter += 1
                entry.waiters.append(Waiter(id: state.nextWaiter, continuation: continuation))
                return (nil, state.nextWaiter)
            }
            if let grant = outcome.grant {
                continuation.resume(returning: grant)
                return
            }
            // Scheduled after the waiter is queued, so even a zero timeout finds it. Not cancelled on
            // grant: a fired timer that finds no waiter does nothing.
            timerLoop.scheduleTask(in: timeout) { [self] in expire(origin, waiter: outcome.waiter, error: timeoutError) }
        }
    }

    /// Gives back a connection after an exchange (or nil: the reserved slot of a connection that
    /// failed or closed). Returns false when the pool did not keep it: the caller closes it.
    @discardableResult
    func release(_ connection: ClientConnection?, origin: HTTPOrigin, reusable: Bool) -> Bool {
        let (kept, waiter, grant) = state.withLock { state -> (Bool, Waiter?, Grant) in
            var entry = state.origins[origin, default: OriginState()]
            defer { state.origins[origin] = entry }
            if reusable, let connection, !state.shutDown {
                if !entry.waiters.isEmpty { return (true, entry.waiters.removeFirst(), .reuse(connection)) }
                entry.idle.append(connection)
                return (true, nil, .create)
            }
            entry.open -= 1
            return (false, handOverSlot(&entry, shutDown: state.shutDown), .create)
        }
        waiter?.continuation.resume(returning: grant)
        return kept
    }

    /// Drops `connection` if it sits idle in the pool; false when a request has taken it meanwhile.
    func removeIdle(_ connection: ClientConnection, origin: HTTPOrigin) -> Bool {
        let (removed, waiter) = state.withLock { state -> (Bool, Waiter?) in
            guard var entry = state.origins[origin],
                  let index = entry.idle.firstIndex(where: { $0 === connection }) else { return (false, nil) }
            entry.idle.remove(at: index)
            entry.open -= 1
            let waiter = handOverSlot(&entry, shutDown: state.shutDown)
            state.origins[origin] = entry
            return (true, waiter)
        }
        waiter?.continuation.resume(returning: .create)
        return removed
    }

    /// Refuses new requests, fails every waiter and returns the idle connections for closing.
    func shutdown() -> [ClientConnection] {
        let (idle, waiters) = state.withLock { state -> ([ClientConnection], [Waiter]) in
            state.shutDown = true
            var idle: [ClientConnection] = []
            var waiters: [Waiter] = []
            for (origin, var entry) in state.origins {
                idle += entry.idle
                waiters += entry.waiters
                entry.open -= entry.idle.count
                entry.idle = []
                entry.waiters = []
                state.origins[origin] = entry
            }
            return (idle, waiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: .failed(.shutdown)) }
        return idle
    }

    var isShutDown: Bool { state.withLock { $0.shutDown } }

    /// Connections open to `origin` (busy, idle or connecting), for tests and metrics.
    func openCount(_ origin: HTTPOrigin) -> Int { state.withLock { $0.origins[origin]?.open ?? 0 } }

    /// A freed slot goes to the first waiter, which then opens its own connection.
    private func handOverSlot(_ entry: inout OriginState, shutDown: Bool) -> Waiter? {
        guard !shutDown, !entry.waiters.isEmpty else { return nil }
        entry.open += 1
        return entry.waiters.removeFirst()
    }

    private func expire(_ origin: HTTPOrigin, waiter id: UInt64, error: HTTPClientError) {
        let waiter = state.withLock { state -> Waiter? in
            guard var entry = state.origins[origin], let index = entry.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = entry.waiters.remove(at: index)
            state.origins[origin] = entry
            return waiter
        }
        waiter?.continuation.resume(returning: .failed(error))
    }
}
