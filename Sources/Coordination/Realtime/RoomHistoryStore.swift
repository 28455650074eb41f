import Storage

/// Each room's capped Redis stream: publishing appends to it (and fans out, in the same script),
/// `since` recovery and the gap fill after a pub/sub outage read from it. Ids are the stream's, so
/// they are shared by every node and increase per room.
public struct RoomHistoryStore: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace
    /// Events kept per room (approximately: `XADD MAXLEN ~`).
    public let historyLength: Int
    /// A room's history expires this long after its last event.
    public let historyTTLMs: Int64
    /// At most this many events are returned by one read; more means `recovered: false`.
    public let maxRecovered: Int

    public init(redis: RedisClient, keys: KeySpace = KeySpace(), historyLength: Int = 1_000,
                historyTTLMs: Int64 = 7 * 24 * 3_600_000, maxRecovered: Int = 1_000) {
        self.redis = redis
        self.keys = keys
        self.historyLength = historyLength
        self.historyTTLMs = historyTTLMs
        self.maxRecovered = maxRecovered
    }

    /// Appends the event to the room's history and publishes it to every node, atomically. `data`
    /// must already be valid JSON text (the caller validates input).
    public func publish(room: String, event: String, priority: RealtimePriority, data: String)
        async throws(CoordinationError) -> (id: RealtimeEventID, timestampMs: Int64) {
        let roomKeys = keys.room(room)
        let reply: RedisReply
        do throws(RedisError) {
            reply = try await redis.run(RealtimePublishScript.script, keys: [roomKeys.history],
                                        args: [roomKeys.channel, priority.rawValue, event, data,
                                               String(historyLength), String(historyTTLMs)])
        } catch {
            throw CoordinationError(redis: error, operation: "publish to room \(room)")
        }
        guard let parts = reply.array, parts.count == 2, let idText = parts[0].string,
              let id = RealtimeEventID(idText), let ts = parts[1].integer else {
            throw CoordinationError(.corruptState, operation: "publish to room \(room)",
                                    detail: "the publish script answered \(reply.redactedDescription)")
        }
        return (id, ts)
    }

    /// The id of the room's newest event, or `0-0` for an empty room: where a node that just
    /// subscribed starts a later gap fill.
    public func newestID(_ room: String) async throws(CoordinationError) -> RealtimeEventID {
        do throws(RedisError) {
            let newest = try await redis.send("XREVRANGE", keys.room(room).history, "+", "-", "COUNT", "1").throwingServerError()
            return newest.array?.first.flatMap { RealtimeEvent(room: room, streamEntry: $0)?.id }
                ?? RealtimeEventID(milliseconds: 0, sequence: 0)
        } catch {
            throw CoordinationError(redis: error, operation: "read the newest event of room \(room)")
        }
    }

    /// The room's events after `since`, oldest first, capped at `maxRecovered`. `recovered` is true
    /// only if nothing between `since` and now can have been trimmed away.
    public func events(_ room: String, after since: RealtimeEventID) async throws(CoordinationError) -> RealtimeJoin {
        let key = keys.room(room).history
        let replies: [RedisReply]
        let entries: [RedisReply]
        let oldest: RealtimeEvent?
        do throws(RedisError) {
            replies = try await redis.pipeline([
                RedisCommand("XRANGE", key, "(" + since.description, "+", "COUNT", String(maxRecovered + 1)),
                RedisCommand("XRANGE", key, "-", "+", "COUNT", "1"),
            ])
            entries = try replies[0].throwingServerError().array ?? []
            oldest = try replies[1].throwingServerError().array?.first.flatMap { RealtimeEvent(room: room, streamEntry: $0) }
        } catch {
            throw CoordinationError(redis: error, operation: "read the history of room \(room)")
        }
        var missed = entries.prefix(maxRecovered).compactMap { RealtimeEvent(room: room, streamEntry: $0) }
        missed.sort { $0.id < $1.id }
        // Complete only if the oldest retained event is at or before `since` (nothing trimmed in
        // between) and the replay was not cut short.
        let recovered = oldest.map { $0.id <= since } == true && entries.count <= maxRecovered
        return RealtimeJoin(recovered: recovered, missed: missed)
    }
}
