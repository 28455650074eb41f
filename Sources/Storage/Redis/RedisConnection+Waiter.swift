extension RedisConnection {
    /// A caller waiting for its reply, and whether the loop thread resumes it itself
    /// (`resumesDirectly`) or hands it to the global pool in a batch (see `RedisConnection.resume`).
    ///
    /// Resumed directly: a caller that submitted from the loop thread (a task on the client's
    /// executor: its next job comes straight back to this thread's queue), and a caller whose task
    /// prefers a task executor of its own (an HTTP handler on its connection's event loop): resuming
    /// it only enqueues its next job on that executor, so a Dispatch job in between would add a
    /// thread hop (loop thread -> pool thread -> event loop) for nothing. Only callers that run on
    /// the global pool, whose resumption wakes pool threads that then preempt this one, go through
    /// the batch.
    ///
    /// The continuation is unchecked for speed (it saves an allocation per command):
    /// `RedisConnectionStateMachine` hands each waiter out exactly once in a `.complete` action, and
    /// waiters refused before they reach it are resumed once at the refusal site; the state-machine
    /// tests pin this down.
    struct Waiter: Sendable {
        let continuation: UnsafeContinuation<Outcome, Never>
        let resumesDirectly: Bool

        /// `onThread`: submitted from the loop thread. The current task's executor preference is
        /// read here, in the caller's task, where it is cheap and cannot change before the resume.
        init(_ continuation: UnsafeContinuation<Outcome, Never>, onThread: Bool) {
            self.continuation = continuation
            self.resumesDirectly = onThread || withUnsafeCurrentTask { $0?.unownedTaskExecutor != nil }
        }

        func resume(returning outcome: Outcome) {
            continuation.resume(returning: outcome)
        }
    }
}
