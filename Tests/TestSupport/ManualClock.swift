import Synchronization

/// A clock that moves only when a test advances it: pure policy types take `now` from it, so tests
/// of windows, budgets and timeouts never sleep.
package final class ManualClock: Sendable {
    private let current: Mutex<ContinuousClock.Instant>

    /// Starts at `start` (any instant works: policy types only compare instants).
    package init(start: ContinuousClock.Instant = .now) { current = Mutex(start) }

    package var now: ContinuousClock.Instant { current.withLock { $0 } }

    /// Moves the clock forward by `duration` and returns the new now.
    @discardableResult
    package func advance(by duration: Duration) -> ContinuousClock.Instant {
        current.withLock { $0 = $0.advanced(by: duration); return $0 }
    }
}
