import Synchronization

/// Runs `body` but answers after `timeout` at the latest, so a health check never hangs on a stuck
/// dependency. Returns nil on timeout. The body runs in its own task, which is cancelled on timeout
/// and left to finish in the background: a task group would wait for it (a libpq connect cannot be
/// interrupted), which is exactly the hang this exists to prevent.
func withDeadline<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
    let race = DeadlineRace<T>()
    return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        race.waiting.withLock { $0 = continuation }
        let timer = Task {
            // Cancelled when the body answers first: the sleep ends early and finishes nothing.
            do { try await Task.sleep(for: timeout) } catch { return }
            if race.finish(nil) { race.onTimeout.withLock { $0 }?.cancel() }
        }
        let work = Task {
            let value = await body()
            if race.finish(value) { timer.cancel() }
        }
        race.onTimeout.withLock { $0 = work }
    }
}

/// The one continuation both the body and the timer race to resume; whoever comes first wins.
private final class DeadlineRace<T: Sendable>: Sendable {
    let waiting = Mutex<CheckedContinuation<T?, Never>?>(nil)
    /// The body's task, cancelled if the timer wins.
    let onTimeout = Mutex<Task<Void, Never>?>(nil)

    /// Resumes the caller with `value` unless someone already did; true if this call did.
    @discardableResult
    func finish(_ value: T?) -> Bool {
        guard let continuation = waiting.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: value)
        return true
    }
}
