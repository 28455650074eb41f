/// The client's own task executors: its I/O threads (`RedisConfiguration.ioThreadCount`, one by
/// default, driving all connections).
///
/// A task that prefers one of them runs on that thread between its I/O steps; its commands go to
/// a connection of that thread, are written together at the end of the current batch of jobs,
/// and their callers are resumed on the same thread: no hand-over to the global pool and back,
/// which is what bounds the throughput of pipelined commands from tasks on the global pool.
/// This is the way to get the highest throughput from many concurrent tasks; it is opt-in:
///
/// ```swift
/// for index in 0..<100 {
///     group.addTask(executorPreference: redis.executor(for: index)) {
///         try await redis.send("INCR", "counter")
///     }
/// }
/// ```
///
/// Rules: code on these executors delays the connections' I/O while it runs, so keep it short and
/// never block (no `sleep`, no synchronous file or network calls); work for other awaits (actors,
/// other clients) simply hops away and back as on any executor. Tasks without this preference
/// behave exactly as before. Keep the client alive while tasks prefer its executors; after
/// `shutdown()` their jobs run on the global pool and their commands fail with `.shutdown`.
/// Cancellation and timeouts behave as for any caller (a cancelled caller returns within about 5 ms).
extension RedisClient {
    /// How many executors the client has (one per I/O thread).
    public var executorCount: Int { loops.count }

    /// The executor of I/O thread `index % executorCount` (spread tasks with `executor(for: i)`).
    public func executor(for index: Int) -> any TaskExecutor {
        loops[(index % loops.count + loops.count) % loops.count]
    }
}
