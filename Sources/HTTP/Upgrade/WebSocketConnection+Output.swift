/// Outbound frames: data frames respect the bounded queue, control frames go out in order behind them.
///
/// A data frame stays counted in `outbound` until the kernel has taken it, not merely until it moved to
/// the connection's write buffer: otherwise every control frame (keepalive ping, pong, close), which
/// has to flush the held frames into that buffer to keep the order, reset the count, and a peer that
/// stopped reading made us hold another `maxOutboundBytes` per ping interval.
extension WebSocketConnection {
    /// A data frame from `WebSocketOutbound`; already counted in `outbound.queued`.
    func sendData(_ frame: [UInt8]) {
        guard state == .open, let connection else {
            outbound.released(messages: 1, bytes: frame.count)
            return
        }
        if held.isEmpty && connection.pending.isEmpty {
            writeData(frame, messages: 1)
        } else {
            held.append(frame)
            heldBytes += frame.count
            // A peer that sends (e.g. to an echo) without reading stops being read once this is full.
            connection.updateInterest()
        }
    }

    /// Control frames (pong, close, ping) go after the data frames already accepted.
    func writeInOrder(_ frame: [UInt8]) {
        releaseHeld()
        // The owed pong goes before whatever follows it (close, keepalive ping).
        answerOwedPong()
        write(frame)
    }

    /// The write buffer is empty: what it held is the kernel's now, so the senders may use that room;
    /// then the held frames go out in one write.
    func drained() {
        guard let connection, connection.pending.isEmpty else { return }
        // Reported from `flush`, this emptied a backed-up buffer: the peer's TCP took all of it.
        if !writing { lastSeen = MonotonicClock.nanoseconds() }
        outbound.released(messages: unflushedMessages, bytes: unflushedBytes)
        unflushedMessages = 0
        unflushedBytes = 0
        releaseHeld()
        answerOwedPong()
    }

    private func releaseHeld() {
        guard !held.isEmpty else { return }
        let frames = held
        held = []
        heldBytes = 0
        writeData(frames.count == 1 ? frames[0] : Array(frames.joined()), messages: frames.count)
    }

    private func answerOwedPong() {
        guard let payload = pongOwed, state == .open else { return }
        pongOwed = nil
        if let pong = try? WebSocketFrameEncoder.pong(payload) { write(pong) }
    }

    /// Counted before the write: when the kernel takes it all at once, `drained` runs inside `enqueue`
    /// and releases it there.
    private func writeData(_ bytes: [UInt8], messages: Int) {
        unflushedMessages += messages
        unflushedBytes += bytes.count
        write(bytes)
    }

    /// Every byte for the peer passes here, so `handedOff` minus the buffer's count is what the
    /// kernel has taken (the keepalive's measure of write progress).
    private func write(_ bytes: [UInt8]) {
        guard let connection else { return }
        handedOff &+= bytes.count
        let nested = writing
        writing = true
        connection.enqueue(bytes)
        writing = nested
    }
}
