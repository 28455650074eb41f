import Dispatch
import Glibc
import Synchronization

/// Waits for SIGTERM or SIGINT. The node separates "asked to stop" from "stop now" so it can first
/// report not-ready and let the load balancer drain it before closing its listener.
enum TerminationSignal {
    static func wait() async {
        let signals = [SIGTERM, SIGINT]
        for number in signals { signal(number, SIG_IGN) }
        let queue = DispatchQueue(label: "coordinator-signals")
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceContinuation(continuation)
            for source in sources {
                source.setEventHandler { once.resume() }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }
}

/// A continuation that several signal handlers may try to resume; only the first does.
private final class OnceContinuation: Sendable {
    private let slot: Mutex<CheckedContinuation<Void, Never>?>
    init(_ continuation: CheckedContinuation<Void, Never>) { slot = Mutex(continuation) }
    func resume() { slot.withLock { $0.take() }?.resume() }
}
