import Dispatch
import Glibc
import Synchronization

/// Catches SIGTERM and SIGINT from the moment it is created, and lets the node wait for them later.
/// Created first thing in `run()`: a signal that arrives while the node is still starting is latched,
/// never lost (and never kills the process before it has left the cluster cleanly). The node separates
/// "asked to stop" from "stop now" so it can report not-ready and drain before closing its listener.
/// Owned by `run()` alone (not Sendable); only the latch is shared with the signal handlers.
final class TerminationSignal {
    private let latch = SignalLatch()
    /// Kept alive as long as the node runs.
    private let sources: [any DispatchSourceSignal]

    init() {
        let queue = DispatchQueue(label: "coordinator-signals")
        let signals = [SIGTERM, SIGINT]
        // Default action off first, then the sources: libdispatch installs its own handler when a
        // source is registered (asynchronously), and a later SIG_IGN would silently replace it.
        for number in signals { signal(number, SIG_IGN) }
        sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for source in sources {
            source.setEventHandler { [latch] in latch.fire() }
            source.resume()
        }
    }

    /// Returns once a signal has arrived (at once if one already did).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            latch.wait(continuation)
        }
    }
}

/// Remembers that a signal came, and resumes whoever waits for it exactly once.
private final class SignalLatch: Sendable {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func fire() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.fired = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func wait(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { s -> Bool in
            if s.fired { return true }
            s.waiter = continuation
            return false
        }
        if resumeNow { continuation.resume() }
    }
}
