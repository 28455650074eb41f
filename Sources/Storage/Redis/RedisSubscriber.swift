import Synchronization

/// Pub/sub on its own connection (RESP2 cannot mix commands with subscriptions). Messages arrive on
/// `events`; after a reconnect it subscribes everything again by itself and reports the gap.
///
/// ```swift
/// let subscriber = try redis.makeSubscriber()
/// try await subscriber.subscribe("room:1")
/// for await event in subscriber.events { ... }
/// ```
public final class RedisSubscriber: Sendable {
    /// Messages and connection gaps, in order. Holds at most `bufferLimit` (10,000) undelivered events
    /// (oldest dropped first) so a stalled consumer cannot exhaust memory; `takeDroppedMessages()`
    /// tells the consumer it fell behind, so it can recover what it lost from elsewhere.
    public let events: AsyncStream<RedisSubscriberEvent>
    /// Messages dropped from a full buffer since the consumer last asked.
    private let dropped: DropCounter

    /// Shared by the connection's callback and `takeDroppedMessages()`.
    final class DropCounter: Sendable {
        let count = Atomic<Int>(0)
    }
    private let continuation: AsyncStream<RedisSubscriberEvent>.Continuation
    private let registry: Registry
    let connection: RedisConnection

    /// Channels and patterns to restore after a reconnect.
    final class Registry: Sendable {
        /// The subscriptions themselves, guarded by `sets`' lock.
        struct Sets {
            var channels: Set<String> = []
            var patterns: Set<String> = []
        }
        let sets = Mutex(Sets())

        func handshake() -> [RedisHandshakeCommand] {
            sets.withLock { sets in
                var commands: [RedisHandshakeCommand] = []
                if !sets.channels.isEmpty {
                    commands.append(RedisHandshakeCommand(parts: ["SUBSCRIBE"] + sets.channels.sorted(),
                                                           replies: sets.channels.count, isFatal: false))
                }
                if !sets.patterns.isEmpty {
                    commands.append(RedisHandshakeCommand(parts: ["PSUBSCRIBE"] + sets.patterns.sorted(),
                                                           replies: sets.patterns.count, isFatal: false))
                }
                return commands
            }
        }
    }

    init(configuration: RedisConfiguration, bufferLimit: Int = 10_000) throws(RedisError) {
        let (stream, continuation) = AsyncStream.makeStream(of: RedisSubscriberEvent.self,
                                                            bufferingPolicy: .bufferingNewest(max(1, bufferLimit)))
        let registry = Registry()
        let dropped = DropCounter()
        self.dropped = dropped
        events = stream
        self.continuation = continuation
        self.registry = registry
        connection = try RedisConnection(configuration: configuration, isSubscriber: true,
                                         extraHandshake: { registry.handshake() }) { event in
            switch event {
            case .push(let reply):
                if let message = RedisPubSubMessage(push: reply), case .dropped = continuation.yield(.message(message)) {
                    dropped.count.wrappingAdd(1, ordering: .relaxed)
                }
            case .ready(let downtime):
                if let downtime { continuation.yield(.reconnected(downtime: downtime)) }
            case .disconnected(let error):
                continuation.yield(.disconnected(error))
            }
        }
        connection.start()
    }

    deinit {
        connection.requestShutdown()
        continuation.finish()
    }

    /// Subscribes to channels and returns once Redis confirmed. The subscription is kept (and
    /// restored after reconnects) even if this call fails because Redis is down; `unsubscribe` drops it.
    public func subscribe(_ channels: String...) async throws(RedisError) {
        try await change("SUBSCRIBE", channels, update: { $0.channels.formUnion(channels) },
                         revert: { $0.channels.subtract(channels) })
    }

    public func unsubscribe(_ channels: String...) async throws(RedisError) {
        try await change("UNSUBSCRIBE", channels, update: { $0.channels.subtract(channels) })
    }

    /// Subscribes to glob patterns (`room:*`); messages carry the matching `pattern`.
    public func psubscribe(_ patterns: String...) async throws(RedisError) {
        try await change("PSUBSCRIBE", patterns, update: { $0.patterns.formUnion(patterns) },
                         revert: { $0.patterns.subtract(patterns) })
    }

    public func punsubscribe(_ patterns: String...) async throws(RedisError) {
        try await change("PUNSUBSCRIBE", patterns, update: { $0.patterns.subtract(patterns) })
    }

    /// Liveness probe through the subscribed connection itself (Redis answers `["pong", ""]` there).
    public func ping() async throws(RedisError) {
        let reply = try await pingReply()
        switch reply {
        case .status("PONG"): return
        case .array(let parts) where parts.first?.string == "pong": return
        default: throw RedisError(.unexpectedReply, "PING answered \(reply.redactedDescription)")
        }
    }

    /// PING's raw reply: `+PONG` before any subscription, `["pong", ""]` while subscribed (RESP2).
    func pingReply() async throws(RedisError) -> RedisReply {
        try await connection.execute { RedisCommandEncoder.append(["PING"], to: &$0) }.get()
    }

    public var isConnected: Bool { connection.isReady }

    /// How many messages the buffer dropped (the consumer was too slow) since the last call; resets.
    public func takeDroppedMessages() -> Int { dropped.count.exchange(0, ordering: .relaxed) }

    public var channels: Set<String> { registry.sets.withLock { $0.channels } }
    public var patterns: Set<String> { registry.sets.withLock { $0.patterns } }

    /// Closes the connection and finishes `events`.
    public func shutdown() async {
        await connection.shutdown()
        continuation.finish()
    }

    /// Records the change first (so a reconnect in between restores it), then sends the command.
    /// If Redis refuses it (e.g. an ACL), `revert` forgets the subscription again.
    private func change(_ command: String, _ names: [String], update: (inout Registry.Sets) -> Void,
                        revert: (inout Registry.Sets) -> Void = { _ in }) async throws(RedisError) {
        guard !names.isEmpty else { return }
        registry.sets.withLock { update(&$0) }
        let parts = [command] + names
        let reply = try await connection.execute(replies: names.count, collects: true, errorEndsRequest: true) {
            RedisCommandEncoder.append(parts, to: &$0)
        }.get()
        if case .array(let confirmations) = reply, let error = confirmations.first(where: { $0.errorMessage != nil }) {
            registry.sets.withLock { revert(&$0) }
            throw RedisError.server(error.errorMessage ?? "")
        }
    }
}
