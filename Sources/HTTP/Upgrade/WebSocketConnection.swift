import Synchronization

/// Drives an upgraded connection on its loop: feeds bytes to the codec, answers pings, runs the close
/// handshake, enforces keepalive and dead-peer timers, and hands messages to the handler in order.
/// Loop-confined: only ever touched on `connection.loop`'s thread.
final class WebSocketConnection {
    /// Where the close handshake stands.
    enum State { case open, closeSent, closed }

    /// What the handler task receives.
    enum Inbound: Sendable {
        case text(String)
        case binary([UInt8])
        case closed(WebSocketCloseCode?, String)
    }

    /// Messages handed to the handler and not yet handled; shared with the handler task.
    ///
    /// One `Mutex` rather than separate atomics: each side makes a check-then-act decision over several
    /// of these fields (the loop "count is at the limit, so pause", the handler "count dropped, and we
    /// are paused, so resume"). With independent relaxed atomics the loop could read a stale count and
    /// store `paused` after the handler had already looked and found it unset: a lost wake-up that
    /// left reading paused until the dead-peer timeout. Under one lock every decision sees the other
    /// side's latest state; it is taken once per message on each side, uncontended almost always.
    final class Backlog: Sendable {
        /// The shared fields.
        struct State {
            var count = 0
            var paused = false
            /// A protocol error waits for the handler to finish the messages that preceded it.
            var failurePending = false
        }
        let state = Mutex(State())
    }

    /// What the handler task asks of the loop after handling a message.
    private enum AfterMessage { case nothing, fail, resume }

    weak var connection: HTTPConnection?
    let loop: EventLoop
    let configuration: WebSocketServerConfiguration
    let outbound: WebSocketOutbound
    let backlog = Backlog()
    var parser: WebSocketParser
    var state = State.open
    /// Data frames waiting for the socket to drain (bounded by `outbound`'s counter, with `unflushedBytes`).
    var held: [[UInt8]] = []
    /// Bytes in `held`: counted with the socket's pending output against `maxPendingOutputBytes`.
    var heldBytes = 0
    /// Data frames moved to the write buffer and still counted in `outbound`: released once the buffer
    /// is empty, so the bound covers what the kernel has not taken, not only what is held.
    var unflushedMessages = 0
    var unflushedBytes = 0
    /// Bytes handed to the connection, from the write buffer's count at the upgrade on.
    var handedOff: Int
    /// What the peer had acknowledged at the last keepalive tick, and whether output was waiting then.
    var acknowledgedAtTick = 0
    var backedUpAtTick = false
    /// Inside our own `enqueue`: a drain reported then is the kernel taking what we just wrote at
    /// once, not the peer reading a backlog.
    var writing = false
    /// Payload of the latest ping not answered yet (coalesced while output is queued).
    var pongOwed: [UInt8]?
    var lastSeen: UInt64
    var tick: ScheduledTask?
    var closeTimer: ScheduledTask?
    /// The error to close with once the handler has handled every earlier message.
    var pendingFailure: WebSocketError?
    private var inbound: AsyncStream<Inbound>.Continuation?
    private var delivered = false

    init(connection: HTTPConnection, configuration: WebSocketServerConfiguration) {
        self.connection = connection
        self.loop = connection.loop
        self.configuration = configuration
        self.parser = WebSocketParser(role: .server, limits: configuration.limits)
        self.outbound = WebSocketOutbound(loop: connection.loop, limit: configuration.maxOutboundMessages,
                                          byteLimit: configuration.maxOutboundBytes)
        self.lastSeen = MonotonicClock.nanoseconds()
        // The 101 may still be buffered: not ours, but it leaves the same buffer first.
        self.handedOff = connection.pending.byteCount
    }

    var readingPaused: Bool { backlog.state.withLock { $0.paused } }

    /// Starts the handler task and the keepalive timer.
    func start(handler: any WebSocketHandler) {
        outbound.attach(self)
        let (stream, continuation) = AsyncStream<Inbound>.makeStream()
        inbound = continuation
        let outbound = self.outbound, backlog = self.backlog, loop = self.loop
        let resumeBelow = max(1, configuration.maxInboundBacklog / 2)
        let box = WebSocketOutbound.WeakDriver(driver: self)
        Task(executorPreference: loop) {
            await handler.onOpen(outbound)
            for await event in stream {
                switch event {
                case .text(let text): await handler.onText(text, outbound: outbound)
                case .binary(let bytes): await handler.onBinary(bytes, outbound: outbound)
                case .closed(let code, let reason): await handler.onClose(code: code, reason: reason)
                }
                let next = backlog.state.withLock { state -> AfterMessage in
                    state.count -= 1
                    if state.count == 0 && state.failurePending { return .fail }
                    if state.count < resumeBelow && state.paused { return .resume }
                    return .nothing
                }
                switch next {
                case .fail:
                    // Queued behind the handler's own sends, so its replies go out before our close.
                    loop.execute { box.driver?.failPending() }
                case .resume:
                    loop.execute { box.driver?.resumeReading() }
                case .nothing:
                    break
                }
            }
        }
        scheduleTick()
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        guard state != .closed else { return }
        lastSeen = MonotonicClock.nanoseconds()
        parser.append(bytes)
        while state != .closed {
            let event: WebSocketEvent?
            do {
                event = try parser.nextEvent()
            } catch {
                // Answer the valid messages that came first (RFC 6455 order), then fail; decided under
                // the lock so the handler either sees the flag or has already caught up.
                let caughtUp = backlog.state.withLock { state -> Bool in
                    guard state.count > 0 else { return true }
                    state.failurePending = true
                    state.paused = true
                    return false
                }
                if caughtUp {
                    fail(error)
                } else {
                    pendingFailure = error
                }
                return
            }
            guard let event else { break }
            handle(event)
        }
        let limit = configuration.maxInboundBacklog
        backlog.state.withLock { state in
            // The handler still has `count` messages to go and re-checks `paused` after each of them.
            if state.count >= limit { state.paused = true }
        }
    }

    private func handle(_ event: WebSocketEvent) {
        switch event {
        case .text(let text):
            if state == .open { deliver(.text(text)) }
        case .binary(let bytes):
            if state == .open { deliver(.binary(bytes)) }
        case .ping(let payload):
            guard state == .open else { break }
            // Output still queued: remember only the latest ping and answer it once the socket drains
            // (RFC 6455 5.5.3), so a ping flood costs one pong, not one per ping.
            if held.isEmpty, connection?.pending.isEmpty == true {
                if let pong = try? WebSocketFrameEncoder.pong(payload) { writeInOrder(pong) }
            } else {
                pongOwed = payload
            }
        case .pong:
            break
        case .close(let code, let reason):
            let weStarted = state == .closeSent
            if state == .open {
                // Echo the peer's code (RFC 6455 5.5.1), then we close TCP first, as a server should.
                if let frame = try? WebSocketFrameEncoder.close(code: code) { writeInOrder(frame) }
            }
            finish(code ?? .noStatusReceived, reason)
            // Handshake complete with nothing left to write: no need to linger.
            if weStarted, connection?.pending.isEmpty == true {
                connection?.close()
            } else {
                connection?.closeGracefully()
            }
        }
    }

    func failPending() {
        guard let error = pendingFailure else { return }
        pendingFailure = nil
        fail(error)
    }

    /// A protocol violation or limit: close with the mapped code (1002, 1007, 1009) and drop the connection.
    private func fail(_ error: WebSocketError) {
        if state == .open, let frame = try? WebSocketFrameEncoder.close(code: error.closeCode) {
            writeInOrder(frame)
        }
        finish(error.closeCode, "")
        connection?.closeGracefully()
    }

    /// Our side starts the close handshake (handler, shutdown); the peer has `closeTimeout` to answer.
    func startClose(code: WebSocketCloseCode, reason: String) {
        guard state == .open else { return }
        outbound.open.store(false, ordering: .relaxed)
        guard let frame = try? WebSocketFrameEncoder.close(code: code, reason: reason) else {
            finish(code, reason)
            connection?.close()
            return
        }
        writeInOrder(frame)
        state = .closeSent
        let deadline = MonotonicClock.nanoseconds() &+ MonotonicClock.nanoseconds(configuration.closeTimeout)
        closeTimer = loop.scheduleOnLoop(deadline: deadline) { [weak self] in
            self?.finish(code, reason)
            self?.connection?.close()
        }
    }

    func serverShuttingDown() { startClose(code: .goingAway, reason: "server shutting down") }

    /// EOF from the peer.
    func peerClosed() {
        finish(.abnormalClosure, "connection dropped")
        connection?.close()
    }

    /// Called by the HTTP connection when the socket is closed for any reason.
    func connectionClosed() {
        finish(.abnormalClosure, "connection dropped")
        held = []
        heldBytes = 0
        unflushedMessages = 0
        unflushedBytes = 0
        pongOwed = nil
    }

    func resumeReading() {
        guard pendingFailure == nil else { return }
        let wasPaused = backlog.state.withLock { state -> Bool in
            defer { state.paused = false }
            return state.paused
        }
        guard wasPaused else { return }
        connection?.updateInterest()
    }

    private func deliver(_ event: Inbound) {
        backlog.state.withLock { $0.count += 1 }
        inbound?.yield(event)
    }

    /// Ends the conversation once: the handler hears `onClose`, the outbound handle stops accepting.
    func finish(_ code: WebSocketCloseCode?, _ reason: String) {
        guard !delivered else { return }
        delivered = true
        state = .closed
        outbound.open.store(false, ordering: .relaxed)
        tick?.cancel()
        closeTimer?.cancel()
        deliver(.closed(code, reason))
        inbound?.finish()
        inbound = nil
    }
}
