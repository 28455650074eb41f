import Auth
import Coordination
import Foundation
import HTTP
import Synchronization

/// One dashboard's realtime WebSocket: joins rooms the caller's role allows, recovers missed events
/// with `since`, and forwards the hub's events through a priority queue that absorbs back-pressure.
///
/// Thread-safety: handler callbacks arrive one at a time on the connection's task; `deliver` arrives
/// from the hub's fan-out at any time. Every mutable field is in `state`, under one lock, and the
/// socket-side sends (non-blocking: an atomic and a hop to the connection's loop) happen under it,
/// so messages leave in the order they were queued.
final class RealtimeSession: WebSocketHandler, RealtimeSink {
    /// A room this connection is in.
    enum Subscription {
        /// Waiting for the join (and its recovery) to finish; live events are held meanwhile.
        /// `overflowed`: more arrived than can be held, so the answer cannot claim `recovered`.
        case joining(held: [RealtimeEvent], overflowed: Bool)
        /// Events flow; `last` is the highest id sent (older or equal ids are duplicates).
        case live(last: RealtimeEventID?)
    }

    struct State {
        var outbound: WebSocketOutbound?
        var queue: RealtimeOutboundQueue
        var rooms: [String: Subscription] = [:]
        var retryScheduled = false
        var closed = false
        var expiry: Task<Void, Never>?
        var budget = TokenBucket<ContinuousClock.Instant>(burst: 20, perSecond: 10, now: .now)
    }

    let sinkID: Int
    let hub: RealtimeHub
    let claims: JWTClaims
    let catalog: RealtimeRoomCatalog
    let counters: RealtimeCounters
    let state: Mutex<State>
    /// Live events held per room while its join is in progress (bounded like the history replay).
    static let maxHeldWhileJoining = 1_000
    /// How soon a connection whose socket was full tries its queue again.
    static let retryDelay = Duration.milliseconds(20)
    /// Messages refused in a row (past the budget) after which the connection is closed with 1008.
    static let closeAfterRefused = 100

    /// `queueHardLimit` leaves room for a whole replay (`maxRecovered`) plus the events held while
    /// joining, all critical, on top of the ordinary queue.
    init(hub: RealtimeHub, claims: JWTClaims, catalog: RealtimeRoomCatalog, counters: RealtimeCounters,
         queueCapacity: Int = 256, queueHardLimit: Int = 4_096) {
        sinkID = hub.makeSinkID()
        self.hub = hub
        self.claims = claims
        self.catalog = catalog
        self.counters = counters
        state = Mutex(State(queue: RealtimeOutboundQueue(capacity: queueCapacity, hardLimit: queueHardLimit)))
    }

    func onOpen(_ outbound: WebSocketOutbound) async {
        counters.connections.wrappingAdd(1, ordering: .relaxed)
        // The token's lifetime bounds the connection's: past `exp` it closes with 1008 and the
        // client reconnects with a fresh token (and `since`, losing nothing).
        state.withLock { $0.outbound = outbound }
        let remaining = claims.expiresAt.timeIntervalSinceNow
        let expiry = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(max(0, Int64(remaining * 1000))))
            guard !Task.isCancelled else { return }
            self?.state.withLock { $0.outbound }?.close(code: WebSocketCloseCode(rawValue: 1008), reason: "token expired")
        }
        state.withLock { $0.expiry = expiry }
    }

    func onText(_ text: String, outbound: WebSocketOutbound) async {
        guard withinBudget() else { return }
        let message: RealtimeClientMessage
        do {
            message = try JSONDecoder().decode(RealtimeClientMessage.self, from: Data(text.utf8))
        } catch {
            send(RealtimeServerMessage.error("invalid_message",
                                             #"Expected {"type":"subscribe"|"unsubscribe"|"ping", "room"?, "since"?}."#))
            return
        }
        switch message.type {
        case .ping:
            send(RealtimeServerMessage.pong)
        case .subscribe:
            await subscribe(message)
        case .unsubscribe:
            unsubscribe(message)
        }
    }

    func onBinary(_ bytes: [UInt8], outbound: WebSocketOutbound) async {
        guard withinBudget() else { return }
        send(RealtimeServerMessage.error("invalid_message", "Messages are JSON text frames."))
    }

    /// Counts a client message against the connection's budget. Past it the message is ignored
    /// with a `rate_limited` error (one per burst of refusals, so the answers cannot themselves
    /// flood the socket); a client that keeps sending is closed with 1008.
    private func withinBudget() -> Bool {
        state.withLock { state in
            if state.budget.take(now: .now) { return true }
            let refused = state.budget.refusedInARow
            if refused == Self.closeAfterRefused {
                state.outbound?.close(code: WebSocketCloseCode(rawValue: 1008), reason: "too many messages")
            } else if refused == 1 {
                enqueue(RealtimeServerMessage.error(
                    "rate_limited", "Too many messages: at most \(Int(state.budget.perSecond)) per second "
                        + "after a burst of \(Int(state.budget.burst)); this one was ignored."),
                        priority: .critical, in: &state)
                pump(&state)
            }
            return false
        }
    }

    func onClose(code: WebSocketCloseCode?, reason: String) async {
        let rooms = state.withLock { state -> [String] in
            state.closed = true
            state.expiry?.cancel()
            state.queue.removeAll()
            defer { state.rooms = [:] }
            return Array(state.rooms.keys)
        }
        for room in rooms { hub.leave(room, sinkID: sinkID) }
        counters.connections.wrappingSubtract(1, ordering: .relaxed)
    }

    private func subscribe(_ message: RealtimeClientMessage) async {
        guard let room = message.room, !room.isEmpty else {
            send(RealtimeServerMessage.error("missing_field", "subscribe needs a room."))
            return
        }
        guard let minimum = catalog[room] else {
            send(RealtimeServerMessage.error("unknown_room", "No such room; rooms are \(catalog.names.joined(separator: ", ")).", room: room))
            return
        }
        guard claims.role >= minimum else {
            send(RealtimeServerMessage.error("forbidden", "This room requires the \(minimum) role.", room: room))
            return
        }
        var since: RealtimeEventID?
        if let text = message.since {
            guard let id = RealtimeEventID(text) else {
                send(RealtimeServerMessage.error("invalid_since", "since must be an event id like 1732870000000-0.", room: room))
                return
            }
            since = id
        }
        let started = state.withLock { state -> Bool in
            guard !state.closed, state.rooms[room] == nil else { return false }
            state.rooms[room] = .joining(held: [], overflowed: false)
            return true
        }
        guard started else {
            send(RealtimeServerMessage.error("already_subscribed", "Already subscribed to this room.", room: room))
            return
        }
        let join: RealtimeJoin
        do {
            join = try await hub.join(room, sink: self, since: since)
        } catch {
            state.withLock { _ = $0.rooms.removeValue(forKey: room) }
            send(RealtimeServerMessage.error("unavailable", "Redis is unavailable; retry shortly.", room: room))
            return
        }
        state.withLock { state in
            guard case .joining(let held, let overflowed) = state.rooms[room] else { return }
            enqueue(RealtimeServerMessage.subscribed(room: room, recovered: join.recovered && !overflowed,
                                                     missed: join.missed.count),
                    priority: .critical, in: &state)
            pump(&state)
            // The replay and the events held meanwhile go out in id order and are never shed: they
            // take the critical lane (FIFO, ahead of later live events of lower priority), and each
            // is handed to the socket at once while it has room, so the queue fills only under real
            // back-pressure. Their JSON keeps each event's own priority.
            var last = since
            for event in join.missed + held.sorted(by: { $0.id < $1.id }) where last.map({ event.id > $0 }) ?? true {
                enqueue(event.message, priority: .critical, in: &state)
                pump(&state)
                last = event.id
            }
            state.rooms[room] = .live(last: last)
        }
    }

    private func unsubscribe(_ message: RealtimeClientMessage) {
        guard let room = message.room else {
            send(RealtimeServerMessage.error("missing_field", "unsubscribe needs a room."))
            return
        }
        let wasIn = state.withLock { $0.rooms.removeValue(forKey: room) != nil }
        guard wasIn else {
            send(RealtimeServerMessage.error("not_subscribed", "Not subscribed to this room.", room: room))
            return
        }
        hub.leave(room, sinkID: sinkID)
        send(RealtimeServerMessage.unsubscribed(room: room))
    }

    func deliver(_ event: RealtimeEvent) {
        state.withLock { state in
            switch state.rooms[event.room] {
            case .none:
                return
            case .joining(var held, let overflowed):
                guard held.count < Self.maxHeldWhileJoining else {
                    counters.dropped.wrappingAdd(1, ordering: .relaxed)
                    state.rooms[event.room] = .joining(held: held, overflowed: true)
                    return
                }
                held.append(event)
                state.rooms[event.room] = .joining(held: held, overflowed: overflowed)
            case .live(let last):
                if let last, event.id <= last { return }
                state.rooms[event.room] = .live(last: event.id)
                enqueue(event.message, priority: event.priority, in: &state)
                pump(&state)
            }
        }
    }

    /// Control messages (answers, errors) are critical: never dropped behind events.
    private func send(_ text: String) {
        state.withLock { state in
            enqueue(text, priority: .critical, in: &state)
            pump(&state)
        }
    }

    private func enqueue(_ text: String, priority: RealtimePriority, in state: inout State) {
        guard !state.closed else { return }
        switch state.queue.push(text, priority: priority) {
        case .queued:
            break
        case .queuedDropping, .dropped:
            counters.dropped.wrappingAdd(1, ordering: .relaxed)
        case .overflow:
            counters.slowConsumersClosed.wrappingAdd(1, ordering: .relaxed)
            state.queue.removeAll()
            state.closed = true
            state.outbound?.close(code: WebSocketCloseCode(rawValue: 1008), reason: "slow consumer")
        }
    }

    /// Moves queued messages to the socket while it takes them; if it is full, tries again shortly.
    private func pump(_ state: inout State) {
        guard let outbound = state.outbound else { return }
        while let text = state.queue.first {
            switch outbound.send(text: text) {
            case .enqueued:
                state.queue.removeFirst()
            case .queueFull:
                scheduleRetry(&state)
                return
            case .closed:
                state.queue.removeAll()
                return
            }
        }
    }

    private func scheduleRetry(_ state: inout State) {
        guard !state.retryScheduled else { return }
        state.retryScheduled = true
        Task { [weak self] in
            try? await Task.sleep(for: Self.retryDelay)
            self?.state.withLock { state in
                state.retryScheduled = false
                self?.pump(&state)
            }
        }
    }
}
