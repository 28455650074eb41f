/// Everything needed to reach one Redis server and how patient to be with it.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// ACL user for `AUTH user password`; nil means `AUTH password` (the `default` user).
    public var user: String?
    /// Sent with AUTH on every (re)connect; nil means no AUTH.
    public var password: String?
    /// Selected with SELECT on every (re)connect when not 0.
    public var database: Int
    /// Bound on TCP connect plus AUTH/SELECT, so an unreachable host fails in bounded time.
    public var connectTimeout: Duration
    /// Bound on one command's wait for its reply; the connection stays up when it fires.
    public var commandTimeout: Duration
    /// Pipelined connections for commands; a few suffice because each carries many commands at once.
    public var connectionCount: Int
    /// Threads that drive the connections (connection i on thread i mod this): one by default,
    /// which serves every connection while Redis answers the others; more only pay off with more
    /// cores than Redis and the node's own threads use. Also the number of `RedisClient.executor`s.
    public var ioThreadCount: Int
    /// Requests in flight on one connection before new ones spill over to the next connection.
    public var spilloverThreshold: Int
    /// Reconnect pacing after Redis goes away.
    public var backoff: RedisBackoff
    /// Largest number of elements accepted in one reply array (hiredis itself has no limit).
    public var maxReplyElements: Int
    /// Largest number of bytes of one reply that may sit unparsed in the reader (bounds bulk strings).
    /// 32 MiB: this system stores counters, budgets, small JSON records and flat Lua replies, all
    /// far below a megabyte, so the limit only has to bound what a broken or hostile server can
    /// make each connection buffer (Redis's own 512 MiB bulk limit, times every connection of
    /// every node, could exhaust a node's memory).
    public var maxReplyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 6379, user: String? = nil, password: String? = nil,
                database: Int = 0, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5),
                connectionCount: Int = 2, ioThreadCount: Int = 1, spilloverThreshold: Int = 256, backoff: RedisBackoff = RedisBackoff(),
                maxReplyElements: Int = 1 << 20, maxReplyBytes: Int = 32 << 20) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.connectionCount = connectionCount
        self.ioThreadCount = ioThreadCount
        self.spilloverThreshold = spilloverThreshold
        self.backoff = backoff
        self.maxReplyElements = maxReplyElements
        self.maxReplyBytes = maxReplyBytes
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`; other settings keep their defaults.
    public init(url: String) throws(RedisError) {
        self.init()
        let parts = try RedisURLParser.parse(url)
        host = parts.host
        port = parts.port
        user = parts.user
        password = parts.password
        database = parts.database
    }

    /// `host:port/db` without credentials, safe for logs.
    public var redactedDescription: String { "redis://\(host):\(port)/\(database)" }
}
