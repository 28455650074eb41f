import CLibPQ
import Foundation
import Synchronization

/// Holds libpq's cancel handle of the current session so a cancelled task can ask the server to stop
/// the statement running on the worker thread.
final class PostgresCancelKey: Sendable {
    /// A PGcancel pointer. `@unchecked Sendable` is safe because libpq documents `PQcancel` as
    /// thread-safe on a PGcancel, and we only use or free it while holding `handle`'s lock.
    private struct CancelHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let handle = Mutex<CancelHandle?>(nil)

    /// Called by the session on connect/close; frees the previous handle.
    func replace(with newHandle: OpaquePointer?) {
        let wrapped = newHandle.map(CancelHandle.init)
        handle.withLock { current in
            if let current { PQfreeCancel(current.pointer) }
            current = wrapped
        }
    }

    /// `PQcancel` opens a socket and blocks briefly, so it runs on a short-lived thread of its own,
    /// never on the caller's (possibly cooperative) thread.
    func cancelRunningStatement() {
        Thread.detachNewThread { [self] in
            handle.withLock { current in
                guard let current else { return }
                var errorBuffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(current.pointer, &errorBuffer, Int32(errorBuffer.count))
            }
        }
    }

    deinit { replace(with: nil) }
}
