import Glibc
import Synchronization

/// A handle to work scheduled on a loop at a deadline; cancelling it (from any thread) means it never runs.
public final class ScheduledTask: Sendable {
    let deadline: UInt64
    let sequence: UInt64
    private let cancelled = Atomic<Bool>(false)

    init(deadline: UInt64, sequence: UInt64) {
        self.deadline = deadline
        self.sequence = sequence
    }

    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// Monotonic nanoseconds: timers must not jump with wall-clock changes.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? UInt64.max / 2 : whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}
