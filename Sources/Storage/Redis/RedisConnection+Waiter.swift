extension RedisConnection {
    /// A caller waiting for its reply, and whether it submitted from the connection thread itself
    /// (a task on the client's executor): such a caller is resumed straight from that thread, since
    /// its task's next job is queued right back onto the same thread; others are resumed in a batch
    /// from the global pool (see `RedisConnection.resume`).
    ///
    /// The continuation is unchecked for speed (it saves an allocation per command):
    /// `RedisConnectionStateMachine` hands each waiter out exactly once in a `.complete` action, and
    /// waiters refused before they reach it are resumed once at the refusal site; the state-machine
    /// tests pin this down.
    struct Waiter: Sendable {
        let continuation: UnsafeContinuation<Outcome, Never>
        let onThread: Bool

        init(_ continuation: UnsafeContinuation<Outcome, Never>, onThread: Bool) {
            self.continuation = continuation
            self.onThread = onThread
        }

        func resume(returning outcome: Outcome) {
            continuation.resume(returning: outcome)
        }
    }
}
