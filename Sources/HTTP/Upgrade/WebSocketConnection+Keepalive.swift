import Glibc

/// Keepalive: ping every interval; drop a peer silent for longer than the dead-peer timeout.
extension WebSocketConnection {
    func scheduleTick() {
        let interval = min(configuration.pingInterval, configuration.deadPeerTimeout)
        let deadline = MonotonicClock.nanoseconds() &+ MonotonicClock.nanoseconds(interval)
        tick = loop.scheduleOnLoop(deadline: deadline) { [weak self] in self?.tickFired() }
    }

    private func tickFired() {
        guard state != .closed else { return }
        noteWriteProgress()
        let silent = MonotonicClock.nanoseconds() &- lastSeen
        if silent >= MonotonicClock.nanoseconds(configuration.deadPeerTimeout) {
            finish(.abnormalClosure, "peer stopped answering")
            connection?.close()
            return
        }
        // Behind unwritten output a ping reaches the peer only after all of it (so its pong proves
        // nothing sooner than the output's progress does), and to a peer that stopped reading it is
        // only more to hold.
        if state == .open, connection?.pending.isEmpty == true, let ping = try? WebSocketFrameEncoder.ping() {
            writeInOrder(ping)
        }
        scheduleTick()
    }

    /// A peer that reads, however slowly, is alive even though its pongs wait behind our output: its
    /// TCP acknowledged bytes that were already waiting (in our write buffer or the kernel's) at the
    /// last tick. Acknowledgements of a lone ping do not count: a hung application's kernel still sends
    /// those. It acknowledges data too until its receive buffer is full, so a hung peer that is sent
    /// data is found that much later (then after the timeout); a dead host, which acknowledges
    /// nothing, as soon as before.
    private func noteWriteProgress() {
        guard let connection else { return }
        let buffered = connection.pending.byteCount
        // The kernel's send queue (unsent plus unacknowledged), so that progress shows while the
        // kernel's buffer, autotuned to megabytes, still holds a backlog ours no longer has.
        var inKernel: Int32 = 0
        if ioctl(connection.fd, UInt(TIOCOUTQ), &inKernel) != 0 { inKernel = 0 }
        let acknowledged = handedOff &- buffered &- Int(inKernel)
        if backedUpAtTick && acknowledged != acknowledgedAtTick { lastSeen = MonotonicClock.nanoseconds() }
        acknowledgedAtTick = acknowledged
        backedUpAtTick = buffered > 0 || inKernel > 0
    }
}
