/// Outbound frames: data frames respect the bounded queue, control frames go out in order behind them.
extension WebSocketConnection {
    /// A data frame from `WebSocketOutbound`; already counted in `outbound.queued`.
    func sendData(_ frame: [UInt8]) {
        guard state == .open, let connection else {
            outbound.released(messages: 1, bytes: frame.count)
            return
        }
        if held.isEmpty && connection.pending.isEmpty {
            outbound.released(messages: 1, bytes: frame.count)
            connection.enqueue(frame)
        } else {
            held.append(frame)
            heldBytes += frame.count
            // A peer that sends (e.g. to an echo) without reading stops being read once this is full.
            connection.updateInterest()
        }
    }

    /// Control frames (pong, close) go after the data frames already accepted.
    func writeInOrder(_ frame: [UInt8]) {
        releaseHeld()
        if let payload = pongOwed, state == .open {
            // The owed pong goes before whatever follows it (close, keepalive ping).
            pongOwed = nil
            if let pong = try? WebSocketFrameEncoder.pong(payload) { connection?.enqueue(pong) }
        }
        connection?.enqueue(frame)
    }

    /// The socket drained: hand the held frames to the kernel in one write.
    func drained() {
        releaseHeld()
        if let payload = pongOwed, state == .open {
            pongOwed = nil
            if let pong = try? WebSocketFrameEncoder.pong(payload) { connection?.enqueue(pong) }
        }
    }

    private func releaseHeld() {
        guard !held.isEmpty, let connection else { return }
        let frames = held
        let bytes = heldBytes
        held = []
        heldBytes = 0
        outbound.released(messages: frames.count, bytes: bytes)
        connection.enqueue(frames.count == 1 ? frames[0] : Array(frames.joined()))
    }

    /// Keepalive: ping every interval; drop a peer silent for longer than the dead-peer timeout.
    func scheduleTick() {
        let interval = min(configuration.pingInterval, configuration.deadPeerTimeout)
        let deadline = MonotonicClock.nanoseconds() &+ MonotonicClock.nanoseconds(interval)
        tick = loop.scheduleOnLoop(deadline: deadline) { [weak self] in self?.tickFired() }
    }

    private func tickFired() {
        guard state != .closed else { return }
        let silent = MonotonicClock.nanoseconds() &- lastSeen
        if silent >= MonotonicClock.nanoseconds(configuration.deadPeerTimeout) {
            finish(.abnormalClosure, "peer stopped answering")
            connection?.close()
            return
        }
        if state == .open, let ping = try? WebSocketFrameEncoder.ping() { writeInOrder(ping) }
        scheduleTick()
    }
}
