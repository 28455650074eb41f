import CLibPQ
import Foundation
import Synchronization

/// Lets a cancelled task stop the statement its worker thread is running: it tracks which request's
/// statement is in flight and sends libpq's cancel request for it (`PQcancel` is thread-safe).
final class PostgresCancelKey: Sendable {
    /// A PGcancel pointer, freed when the last reference goes. `@unchecked Sendable` is safe because
    /// libpq documents `PQcancel` as thread-safe on a PGcancel, the pointer is immutable, and it is
    /// freed only in `deinit`, when no thread can be using it any more. Reference counting lets a
    /// canceller call `PQcancel` (which blocks on a socket) outside `state`'s lock while a reconnect
    /// swaps in a new handle.
    private final class CancelHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { PQfreeCancel(pointer) }
    }

    private struct State {
        var handle: CancelHandle?
        /// The request whose statement the worker is executing right now.
        var inFlight: PostgresCancelRequest?
    }

    private let state = Mutex(State())

    /// Called by the session on connect/close; frees the previous handle.
    func replace(with newHandle: OpaquePointer?) {
        let wrapped = newHandle.map(CancelHandle.init)
        state.withLock { $0.handle = wrapped }
    }

    /// Worker thread, right before sending a statement: refuses if its request was already cancelled
    /// (a cancel request sent while nothing runs is ignored by the server, so it must not be lost).
    func beginStatement(for request: PostgresCancelRequest?) throws(PostgresError) {
        let cancelled = state.withLock { state -> Bool in
            if request?.isRequested == true { return true }
            state.inFlight = request
            return false
        }
        if cancelled { throw PostgresError(code: .cancelled, message: "task cancelled before the statement was sent") }
    }

    func endStatement() {
        state.withLock { $0.inFlight = nil }
    }

    /// Caller side: marks the request cancelled and, if its statement is in flight, asks the server to
    /// cancel it, repeating briefly in case the request overtook the statement on the way. Runs on a
    /// short-lived thread because `PQcancel` opens a socket and blocks.
    func cancel(_ request: PostgresCancelRequest) {
        request.markRequested()
        Thread.detachNewThread { [self] in
            for _ in 0..<10 {
                let handle = state.withLock { state -> CancelHandle? in
                    state.inFlight === request ? state.handle : nil
                }
                guard let handle else { return }
                // Outside the lock: PQcancel connects to the server and may block for a while.
                var errorBuffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(handle.pointer, &errorBuffer, Int32(errorBuffer.count))
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

}

/// One `PostgresWorker.run` call's cancellation flag, shared by the caller and the worker thread.
final class PostgresCancelRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func markRequested() { requested.store(true, ordering: .releasing) }
}
