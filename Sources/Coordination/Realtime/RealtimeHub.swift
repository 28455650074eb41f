import Foundation
import Storage
import Synchronization

/// Fans room events out to this node's WebSocket sessions. One Redis pub/sub connection per node (not
/// per client) and one channel per room that has local subscribers; each room also keeps a capped
/// Redis stream as history, for clients that resubscribe with `since` and for filling the gap after
/// this node's pub/sub connection was down.
///
/// ```swift
/// let hub = try RealtimeHub(redis: redis)
/// Task { await hub.run() }                   // consumes pub/sub until shutdown
/// let join = try await hub.join("cost_monitoring", sink: session, since: lastSeen)
/// try await hub.publish(room: "cost_monitoring", event: "alert", priority: .high, data: #"{"level":"warning"}"#)
/// ```
public final class RealtimeHub: Sendable {
    public let redis: RedisClient
    let subscriber: RedisSubscriber
    /// Events kept per room (approximately: `XADD MAXLEN ~`).
    public let historyLength: Int
    /// A room's history expires this long after its last event.
    public let historyTTLMs: Int64
    /// At most this many missed events are replayed on a resubscribe; more means `recovered: false`.
    public let maxRecovered: Int

    /// One room's local side.
    struct Room {
        var sinks: [Int: any RealtimeSink] = [:]
        /// Highest id this node has fanned out: where a gap fill after a reconnect starts.
        var lastID: RealtimeEventID?
        /// The room's newest history id when this node subscribed: where a gap fill starts if no
        /// event arrived since. Not used to drop duplicates (an event may be in flight past it).
        var subscribedAt: RealtimeEventID?
        var subscribed = false
    }

    struct State {
        var rooms: [String: Room] = [:]
        var nextSinkID = 1
        var published = 0
        var received = 0
        var delivered = 0
        var gapFilled = 0
        /// Ring of recent publish-to-node latencies (ms).
        var latencies: [Double] = []
        var latencyCursor = 0
    }

    let state = Mutex(State())
    /// Set by `shutdown()`: a gap fill retrying against an unreachable Redis gives up.
    let shutDown = Atomic<Bool>(false)
    static let latencySamples = 1_024

    /// `subscriberBuffer`: pub/sub messages held while fan-out is behind; past it the oldest are
    /// dropped and then recovered from history (see `run()`).
    public init(redis: RedisClient, historyLength: Int = 1_000, historyTTLMs: Int64 = 7 * 24 * 3_600_000,
                maxRecovered: Int = 1_000, subscriberBuffer: Int = 10_000) throws(RedisError) {
        self.redis = redis
        self.historyLength = historyLength
        self.historyTTLMs = historyTTLMs
        self.maxRecovered = maxRecovered
        subscriber = try redis.makeSubscriber(bufferLimit: subscriberBuffer)
    }

    /// Pub/sub channel of a room; the hash tag keeps a room's keys on one Redis Cluster slot.
    public static func channel(_ room: String) -> String { "{room:\(room)}" }
    /// The room's capped history stream.
    public static func historyKey(_ room: String) -> String { "{room:\(room)}:history" }

    public func makeSinkID() -> Int {
        state.withLock { state in
            defer { state.nextSinkID += 1 }
            return state.nextSinkID
        }
    }

    /// Appends the event to the room's history and publishes it to every node, atomically. `data`
    /// must already be valid JSON text (the caller validates input).
    @discardableResult
    public func publish(room: String, event: String, priority: RealtimePriority, data: String)
        async throws(RedisError) -> (id: RealtimeEventID, timestampMs: Int64) {
        let reply = try await redis.run(RealtimePublishScript.script, keys: [Self.historyKey(room)],
                                        args: [Self.channel(room), priority.rawValue, event, data,
                                               String(historyLength), String(historyTTLMs)])
        guard let parts = reply.array, parts.count == 2, let idText = parts[0].string,
              let id = RealtimeEventID(idText), let ts = parts[1].integer else {
            throw RedisError(.unexpectedReply, "realtime publish answered \(reply.redactedDescription)")
        }
        state.withLock { $0.published += 1 }
        return (id, ts)
    }

    /// Adds `sink` to `room` and returns what it missed since `since` (nothing without `since`). Live
    /// events may reach the sink before this returns: the sink holds them until it has sent the
    /// join's answer and the missed events, then drops ids it already sent.
    public func join(_ room: String, sink: any RealtimeSink, since: RealtimeEventID?) async throws(RedisError) -> RealtimeJoin {
        let needsSubscribe = state.withLock { state -> Bool in
            state.rooms[room, default: Room()].sinks[sink.sinkID] = sink
            return state.rooms[room]?.subscribed != true
        }
        do {
            if needsSubscribe {
                try await subscriber.subscribe(Self.channel(room))
                let newest = try await redis.send("XREVRANGE", Self.historyKey(room), "+", "-", "COUNT", "1").throwingServerError()
                let mark = newest.array?.first.flatMap { RealtimeEvent(room: room, streamEntry: $0)?.id }
                    ?? RealtimeEventID(milliseconds: 0, sequence: 0)
                state.withLock { state in
                    state.rooms[room]?.subscribed = true
                    if state.rooms[room]?.subscribedAt == nil { state.rooms[room]?.subscribedAt = mark }
                }
            }
            guard let since else { return RealtimeJoin(recovered: false, missed: []) }
            return try await history(room, after: since)
        } catch {
            leave(room, sinkID: sink.sinkID)
            throw error
        }
    }

    /// Removes the sink from the room (the channel stays subscribed: rooms are few and long-lived).
    public func leave(_ room: String, sinkID: Int) {
        state.withLock { _ = $0.rooms[room]?.sinks.removeValue(forKey: sinkID) }
    }

    /// The room's events after `since`, oldest first, capped at `maxRecovered`. `recovered` is true
    /// only if nothing between `since` and now can have been trimmed away.
    public func history(_ room: String, after since: RealtimeEventID) async throws(RedisError) -> RealtimeJoin {
        let key = Self.historyKey(room)
        let replies = try await redis.pipeline([
            RedisCommand("XRANGE", key, "(" + since.description, "+", "COUNT", String(maxRecovered + 1)),
            RedisCommand("XRANGE", key, "-", "+", "COUNT", "1"),
        ])
        let entries = try replies[0].throwingServerError().array ?? []
        let oldest = try replies[1].throwingServerError().array?.first.flatMap { RealtimeEvent(room: room, streamEntry: $0) }
        var missed = entries.prefix(maxRecovered).compactMap { RealtimeEvent(room: room, streamEntry: $0) }
        missed.sort { $0.id < $1.id }
        // Complete only if the oldest retained event is at or before `since` (nothing trimmed in
        // between) and the replay was not cut short.
        let recovered = oldest.map { $0.id <= since } == true && entries.count <= maxRecovered
        return RealtimeJoin(recovered: recovered, missed: missed)
    }

    /// Consumes pub/sub until the subscriber shuts down: fans each event out to the room's sinks, and
    /// after a reconnect, or after falling so far behind that the subscriber dropped messages, replays
    /// from history what this node missed.
    public func run() async {
        for await event in subscriber.events {
            switch event {
            case .message(let message):
                // Fan-out fell behind and the subscriber's buffer dropped older messages: take them
                // (and everything up to now) from history before this one, which is then a duplicate.
                if subscriber.takeDroppedMessages() > 0 { await fillGaps() }
                guard let room = Self.room(fromChannel: message.channel),
                      let event = RealtimeEvent(room: room, payload: message.payload) else { continue }
                fanOut(event, countAsReceived: true)
            case .disconnected:
                continue
            case .reconnected:
                await fillGaps()
            }
        }
    }

    /// Closes the pub/sub connection (ends `run()`).
    public func shutdown() async {
        shutDown.store(true, ordering: .releasing)
        await subscriber.shutdown()
    }

    var isShutDown: Bool { shutDown.load(ordering: .acquiring) }

    public func statistics() -> RealtimeHubStatistics {
        // Copied under the lock, sorted outside it: fan-out takes this lock for every event.
        var (copy, latencies) = state.withLock { state in
            (RealtimeHubStatistics(
                rooms: state.rooms.compactMapValues { $0.sinks.isEmpty ? nil : $0.sinks.count },
                published: state.published, received: state.received, delivered: state.delivered,
                gapFilled: state.gapFilled, fanoutP50Ms: nil, fanoutP99Ms: nil), state.latencies)
        }
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        copy.fanoutP50Ms = percentile(0.5)
        copy.fanoutP99Ms = percentile(0.99)
        return copy
    }

    static func room(fromChannel channel: String) -> String? {
        guard channel.hasPrefix("{room:"), channel.hasSuffix("}"), channel.count > 7 else { return nil }
        return String(channel.dropFirst(6).dropLast())
    }

    func fanOut(_ event: RealtimeEvent, countAsReceived: Bool) {
        let latency = Double(Int64(Date().timeIntervalSince1970 * 1000) - event.timestampMs)
        let sinks = state.withLock { state -> [any RealtimeSink] in
            guard var room = state.rooms[event.room] else { return [] }
            // A gap fill and a live message may carry the same event: fan out each id once.
            if let last = room.lastID, event.id <= last { return [] }
            room.lastID = event.id
            state.rooms[event.room] = room
            if countAsReceived {
                state.received += 1
                if state.latencies.count < Self.latencySamples {
                    state.latencies.append(max(0, latency))
                } else {
                    state.latencies[state.latencyCursor] = max(0, latency)
                }
                state.latencyCursor = (state.latencyCursor + 1) % Self.latencySamples
            } else {
                state.gapFilled += 1
            }
            state.delivered += room.sinks.count
            return Array(room.sinks.values)
        }
        for sink in sinks { sink.deliver(event) }
    }

    /// After the pub/sub connection came back: every room with subscribers gets the events published
    /// while it was down, from history, in order (sinks drop ids they already have). Live messages
    /// wait meanwhile (this runs inside `run()`), so order holds. The command connections may come
    /// back later than the subscriber (or Redis may still be loading): each room is retried with
    /// backoff until its history answers or the hub shuts down, and read page by page, however many
    /// events were missed.
    func fillGaps() async {
        let rooms = state.withLock { state in
            state.rooms.compactMap { name, room -> (String, RealtimeEventID)? in
                guard !room.sinks.isEmpty, let last = room.lastID ?? room.subscribedAt else { return nil }
                return (name, last)
            }
        }
        for (room, start) in rooms {
            var last = start
            var delay = Duration.milliseconds(50)
            while !Task.isCancelled && !isShutDown {
                let page: RealtimeJoin
                do {
                    page = try await history(room, after: last)
                } catch {
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(2))
                    continue
                }
                for event in page.missed { fanOut(event, countAsReceived: false) }
                guard page.missed.count >= maxRecovered, let newest = page.missed.last?.id else { break }
                last = newest
            }
        }
    }
}
