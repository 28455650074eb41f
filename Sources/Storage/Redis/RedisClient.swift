import Glibc
import Synchronization

/// The Redis client every module uses: thread-safe, shared by all tasks, pipelining concurrent
/// commands automatically over a few connections, reconnecting by itself.
///
/// ```swift
/// let redis = try RedisClient(configuration: .init(url: "redis://127.0.0.1:6379"))
/// let count = try await redis.send("INCR", "visits").integer
/// await redis.shutdown()
/// ```
///
/// Failure model: a command in flight when the connection breaks fails at once with
/// `.connectionLost` (it may or may not have run); while Redis is down and the client waits to
/// reconnect (exponential backoff with jitter), new commands fail at once with `.connectionFailed`
/// (or `.authenticationFailed`); a command without a reply within `commandTimeout` fails with
/// `.timeout` while the connection stays up for everyone else, unless nothing at all comes back
/// for 3 x `commandTimeout`: the connection is then presumed dead (a silently dropped TCP flow),
/// its waiting commands fail with `.connectionLost` and it reconnects. Blocking commands (BLPOP,
/// XREAD BLOCK, WAIT) hold a pipelined connection for their duration, and one blocking longer than
/// that looks dead: give them their own client with a `commandTimeout` above their block time.
/// A cancelled caller returns within about 5 ms: with its reply if that comes sooner, otherwise
/// with `.cancelled` (the connection stays up and discards the late reply).
///
/// Highest throughput from many concurrent tasks: run them on the client's own executors
/// (`executor(for:)`, opt-in), so their commands never leave the connection's thread.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let connections: [RedisConnection]
    /// The threads driving the connections; `loopConnections[i]` are those of `loops[i]`.
    let loops: [RedisIOLoop]
    let loopConnections: [[RedisConnection]]
    private let nextConnection = Atomic<Int>(0)
    /// Connections driven by callers' event loops (`makeHostedConnection`), each used only by
    /// callers on its host's thread.
    let hosted = RedisSpinLock<[RedisConnection]>([])
    /// `hosted.count`, so clients without hosted connections skip the lock on every command.
    let hostedCount = Atomic<Int>(0)
    /// Set by `shutdown()`: hosted connections made later are shut down at once.
    let isShutDown = Atomic<Bool>(false)
    /// How connections look up the host (kept for hosted connections made later).
    let resolver: RedisAddressResolver.LookupFunction

    /// Starts connecting in the background; commands issued before the connection is up wait for it
    /// (bounded by the connect and command timeouts).
    public convenience init(configuration: RedisConfiguration) throws(RedisError) {
        try self.init(configuration: configuration, resolver: RedisAddressResolver.system)
    }

    /// `resolver`: how connections look up the host (tests substitute a slow one).
    init(configuration: RedisConfiguration, resolver: @escaping RedisAddressResolver.LookupFunction) throws(RedisError) {
        self.configuration = configuration
        self.resolver = resolver
        let count = min(max(configuration.connectionCount, 1), 64)
        var loops: [RedisIOLoop] = []
        for index in 0..<min(max(configuration.ioThreadCount, 1), count) {
            loops.append(try RedisIOLoop(name: "redis \(configuration.host):\(configuration.port) #\(index)"))
        }
        var connections: [RedisConnection] = []
        var loopConnections = [[RedisConnection]](repeating: [], count: loops.count)
        for index in 0..<count {
            let connection = try RedisConnection(configuration: configuration, loop: loops[index % loops.count],
                                             resolver: resolver)
            connections.append(connection)
            loopConnections[index % loops.count].append(connection)
        }
        self.connections = connections
        self.loops = loops
        self.loopConnections = loopConnections
        for (loop, members) in zip(loops, loopConnections) { loop.start(members) }
    }

    deinit {
        for connection in connections + hosted.withLock({ $0 }) { connection.requestShutdown() }
    }

    /// Sends one command and returns its reply. Error replies are thrown as `RedisError(.server, ...)`.
    ///
    /// Safe from any number of concurrent tasks: commands issued together are written together.
    @discardableResult
    nonisolated(nonsending) public func send(_ command: String, _ arguments: any RedisArgumentConvertible...) async throws(RedisError) -> RedisReply {
        try await send(command, arguments: arguments)
    }

    @discardableResult
    nonisolated(nonsending) public func send(_ command: String, arguments: [any RedisArgumentConvertible]) async throws(RedisError) -> RedisReply {
        let result = await pickConnection().execute { buffer in
            RedisCommandEncoder.append(command, arguments, to: &buffer)
        }
        return try result.get().throwingServerError()
    }

    /// Sends an already encoded command; error replies are thrown.
    @discardableResult
    nonisolated(nonsending) public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        let bytes = command.encoded
        let result = await pickConnection().execute { $0.append(contentsOf: bytes) }
        return try result.get().throwingServerError()
    }

    /// True when at least one connection is up and authenticated (cheap; for readiness checks).
    public var isConnected: Bool { connections.contains { $0.isReady } }

    /// Round-trips a PING; throws when Redis does not answer in time. For `/readyz`.
    public func ping() async throws(RedisError) {
        let reply = try await send("PING")
        guard reply.string == "PONG" else { throw RedisError(.unexpectedReply, "PING answered \(reply.redactedDescription)") }
    }

    /// Fails pending commands with `.shutdown`, closes connections and waits for their threads.
    public func shutdown() async {
        // All first: a loop thread lets go of its connections only once every one has shut down.
        let hosted = self.hosted.withLock { list in
            isShutDown.store(true, ordering: .relaxed)
            return list
        }
        for connection in connections + hosted { connection.requestShutdown() }
        for connection in connections + hosted { await connection.shutdown() }
    }

    /// A dedicated pub/sub connection using this client's configuration.
    /// `bufferLimit`: undelivered events held for a slow consumer before the oldest are dropped.
    public func makeSubscriber(bufferLimit: Int = 10_000) throws(RedisError) -> RedisSubscriber {
        try RedisSubscriber(configuration: configuration, bufferLimit: bufferLimit)
    }

    /// The first ready connection with fewer than `spilloverThreshold` requests in flight, so
    /// concurrent commands pile into one pipeline (one busy connection thread batches better than
    /// several half-busy ones on a small machine); the others take the overflow and stand by.
    /// When all are past the threshold: the least loaded ready one; when none is ready: round robin
    /// (the request then waits for the connection or fails fast).
    ///
    /// A caller running on a loop's thread (a task on `executor(for:)`) chooses among that loop's
    /// connections while one is ready: its command then never leaves the thread.
    ///
    /// A caller on the thread of a host that drives a hosted connection uses that one while it is
    /// ready: its command is then written, answered and resumed without leaving the thread.
    func pickConnection() -> RedisConnection {
        if let own = hostedConnectionOfCurrentThread() { return own }
        if loops.count == 1 { return pick(from: connections) }
        let current = UInt(pthread_self())
        for index in loops.indices where loops[index].threadID.load(ordering: .relaxed) == current {
            let own = pick(from: loopConnections[index])
            if own.isReady { return own }
            break
        }
        return pick(from: connections)
    }

    private func pick(from connections: [RedisConnection]) -> RedisConnection {
        var leastLoaded: RedisConnection?
        var leastCount = Int.max
        for connection in connections where connection.isReady {
            let count = connection.inFlight.load(ordering: .relaxed)
            if count < configuration.spilloverThreshold { return connection }
            if count < leastCount {
                leastLoaded = connection
                leastCount = count
            }
        }
        if let leastLoaded { return leastLoaded }
        let start = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        return connections[start % connections.count]
    }
}
