/// Runs `body` but gives up after `timeout`, so a health check never hangs on a stuck dependency.
/// Returns nil on timeout (the body's task is cancelled) and the body's result otherwise.
func withDeadline<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
