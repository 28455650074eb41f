import Foundation
import Logging
import Storage
import Synchronization

/// Fans room events out to this node's WebSocket sessions: one Redis pub/sub connection per node (not
/// per client) and one channel per room that has local subscribers. The rooms' history (the capped
/// stream behind `since` recovery and the gap fill after this node's pub/sub connection was down)
/// is `RoomHistoryStore`'s; the hub only reads it.
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
    /// Each room's stream: publishing, `since` reads, gap-fill pages.
    public let store: RoomHistoryStore
    public var keys: KeySpace { store.keys }
    /// At most this many missed events are replayed on a resubscribe; more means `recovered: false`.
    public var maxRecovered: Int { store.maxRecovered }
    /// Where failed gap-fill reads are reported (each is retried with backoff).
    let gapFillFailures: FailureLog?

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
        /// Recent publish-to-node latencies (ms).
        var latencies = LatencyWindow(capacity: RealtimeHub.latencySamples)
        /// The probe in flight, if any: its token, everyone waiting for its answer (overlapping
        /// probes share one message) and its publish-then-timeout task (cancelled once answered).
        var probe: (token: String, waiters: [CheckedContinuation<Bool, Never>], timer: Task<Void, Never>?)?
        var probeChannel: String?
    }

    let state = Mutex(State())
    /// Set by `shutdown()`: a gap fill retrying against an unreachable Redis gives up.
    let shutDown = Atomic<Bool>(false)
    static let latencySamples = 1_024

    /// `subscriberBuffer`: pub/sub messages held while fan-out is behind; past it the oldest are
    /// dropped and then recovered from history (see `run()`).
    public init(redis: RedisClient, keys: KeySpace = KeySpace(), historyLength: Int = 1_000,
                historyTTLMs: Int64 = 7 * 24 * 3_600_000, maxRecovered: Int = 1_000, subscriberBuffer: Int = 10_000,
                gapFillFailures: FailureLog? = nil) throws(CoordinationError) {
        self.redis = redis
        store = RoomHistoryStore(redis: redis, keys: keys, historyLength: historyLength, historyTTLMs: historyTTLMs,
                                 maxRecovered: maxRecovered)
        self.gapFillFailures = gapFillFailures
        do {
            subscriber = try redis.makeSubscriber(bufferLimit: subscriberBuffer)
        } catch {
            throw CoordinationError(redis: error, operation: "open the fan-out connection")
        }
    }

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
        async throws(CoordinationError) -> (id: RealtimeEventID, timestampMs: Int64) {
        let published = try await store.publish(room: room, event: event, priority: priority, data: data)
        state.withLock { $0.published += 1 }
        return published
    }

    /// Adds `sink` to `room` and returns what it missed since `since` (nothing without `since`). Live
    /// events may reach the sink before this returns: the sink holds them until it has sent the
    /// join's answer and the missed events, then drops ids it already sent.
    public func join(_ room: String, sink: any RealtimeSink, since: RealtimeEventID?) async throws(CoordinationError) -> RealtimeJoin {
        let needsSubscribe = state.withLock { state -> Bool in
            state.rooms[room, default: Room()].sinks[sink.sinkID] = sink
            return state.rooms[room]?.subscribed != true
        }
        do throws(CoordinationError) {
            if needsSubscribe {
                do {
                    try await subscriber.subscribe(keys.room(room).channel)
                } catch {
                    throw CoordinationError(redis: error, operation: "subscribe to room \(room)")
                }
                let mark = try await store.newestID(room)
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

    /// The room's events after `since` (see `RoomHistoryStore.events`).
    public func history(_ room: String, after since: RealtimeEventID) async throws(CoordinationError) -> RealtimeJoin {
        try await store.events(room, after: since)
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
                if answerProbe(message) { continue }
                guard let room = keys.room(fromChannel: message.channel),
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
        let ranks = latencies.percentiles([0.5, 0.99])
        copy.fanoutP50Ms = ranks[0]
        copy.fanoutP99Ms = ranks[1]
        return copy
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
                state.latencies.record(max(0, latency))
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
                    gapFillFailures?.succeeded()
                } catch {
                    gapFillFailures?.failed(error.reason, detail: error.description)
                    // Cancellation ends the wait early; the loop condition then stops the fill.
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
