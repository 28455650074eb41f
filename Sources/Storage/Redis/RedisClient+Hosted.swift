import Glibc

/// Connections driven by the caller's own event loops (see `RedisHostedIO`): the highest
/// throughput for request handlers that run on such loops (an HTTP server's), with no thread hop
/// per command. Opt-in and additive: the client's own connections stay, and serve everybody else.
///
/// ```swift
/// for loop in server.eventLoops {
///     let io = try redis.makeHostedConnection()
///     loop.attachSource(fileDescriptor: io.fileDescriptor, run: io.run, stopped: io.hostStopped)
/// }
/// ```
///
/// A command goes to the hosted connection of the thread it is sent from, when there is one and it
/// is ready (connected, authenticated); otherwise to the client's own connections, as before.
/// Timeouts, cancellation (within about 5 ms), reconnection with backoff and `shutdown()` behave
/// as on the client's own connections, provided the host calls `run()` as documented there; a
/// host that stops calls `hostStopped()`, which fails the connection's pending commands with
/// `.shutdown`.
extension RedisClient {
    /// A new connection for one event loop to drive; it starts connecting on the first `run()`.
    public func makeHostedConnection() throws(RedisError) -> RedisHostedIO {
        let loop = try RedisIOLoop(name: "redis \(configuration.host):\(configuration.port) hosted")
        let connection = try RedisConnection(configuration: configuration, loop: loop, resolver: resolver)
        let io = try RedisHostedIO(connection: connection)
        let refused = hosted.withLock { list -> Bool in
            if isShutDown.load(ordering: .relaxed) { return true }
            list.append(connection)
            hostedCount.store(list.count, ordering: .relaxed)
            return false
        }
        if refused { connection.requestShutdown() }
        return io
    }

    /// The ready hosted connection of the calling thread, if any (a spin lock read: a handful of
    /// entries, written only when a host attaches).
    func hostedConnectionOfCurrentThread() -> RedisConnection? {
        guard hostedCount.load(ordering: .relaxed) > 0 else { return nil }
        let current = UInt(pthread_self())
        return hosted.withLock { list in
            list.first { $0.loop.threadID.load(ordering: .relaxed) == current && $0.isReady }
        }
    }
}
