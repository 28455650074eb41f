import Foundation
import Logging
import Synchronization

/// The cost of the part of a pipelined command that is not Redis's or ours: a task suspends on a
/// continuation and a dedicated thread resumes it in a batch, with no socket, no encoding and no
/// parsing. Its CPU per operation is the floor under `coordinator-bench redis`'s CPU per command
/// with the same tasks and executor (`coordinator-bench resume-floor --tasks T --seconds S`).
struct ResumeFloorBenchmark {
    let tasks: Int
    let seconds: Double

    /// Suspended tasks waiting for the resumer thread, and whether it sleeps (then it needs a signal).
    struct Inbox {
        var waiters: [UnsafeContinuation<Void, Never>] = []
        var sleeping = false
        var stopped = false
    }

    /// The resumer's hand-over point: a lock-protected inbox plus a condition to sleep on.
    final class Resumer: Sendable {
        let inbox = Mutex(Inbox())
        let condition = NSCondition()

        func submit(_ waiter: UnsafeContinuation<Void, Never>) {
            let wake = inbox.withLock { inbox in
                inbox.waiters.append(waiter)
                defer { inbox.sleeping = false }
                return inbox.sleeping
            }
            if wake {
                condition.lock()
                condition.signal()
                condition.unlock()
            }
        }

        /// The thread body: resume everything queued, in batches, until stopped with nobody waiting.
        func run() {
            var batch: [UnsafeContinuation<Void, Never>] = []
            while true {
                condition.lock()
                let stop = inbox.withLock { inbox -> Bool in
                    swap(&batch, &inbox.waiters)
                    if batch.isEmpty { inbox.sleeping = !inbox.stopped }
                    return inbox.stopped && batch.isEmpty
                }
                if stop { condition.unlock(); return }
                if batch.isEmpty {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 0.001))
                    condition.unlock()
                    continue
                }
                condition.unlock()
                for waiter in batch { waiter.resume() }
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    func run() async {
        let resumer = Resumer()
        let thread = Thread { resumer.run() }
        thread.start()
        let stop = StopFlag()
        let start = ContinuousClock.now
        let total = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var count = 0
                    while !stop.isSet {
                        await withUnsafeContinuation { resumer.submit($0) }
                        count += 1
                    }
                    return count
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                stop.set()
                return 0
            }
            return await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        resumer.inbox.withLock { $0.stopped = true }
        let measured = elapsed.fractionalSeconds
        print("resume_ops_per_sec \(Int(Double(total) / measured))")
    }
}
