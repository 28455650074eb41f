import Dispatch
import Synchronization

/// A log sink stuck until `release` (stderr piped to a stalled reader), recording what it eventually
/// writes: for tests that logging never blocks the code that logs.
package final class StuckSink: Sendable {
    let gate = DispatchSemaphore(value: 0)
    package let written = Mutex<[String]>([])

    package init() {}

    package func write(_ line: String) {
        gate.wait()
        gate.signal()
        written.withLock { $0.append(line) }
    }

    package func release() { gate.signal() }
}
