/// Connecting, handshaking, losing the connection, backing off and shutting down.
extension RedisConnectionStateMachine {
    /// The socket connected: queue the handshake ahead of the commands that waited for it.
    /// `extra` carries connection-specific setup (a subscriber's resubscriptions).
    mutating func connected(now: Instant, extra: [HandshakeCommand] = [], into actions: inout [Action]) {
        guard case .connecting(let deadline) = state else { return }
        let handshake = settings.handshake + extra.filter { !$0.parts.isEmpty }
        if handshake.isEmpty {
            becomeReady(now: now, into: &actions)
            return
        }
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        for (index, command) in handshake.enumerated() {
            RedisCommandEncoder.append(command.parts, to: &bytes)
            entries.append(Entry(id: 0, waiter: nil, remaining: max(command.replies, 1), collected: [],
                                 collects: false, errorEndsRequest: true, deadline: deadline, handshake: Int32(index)))
        }
        currentHandshake = handshake
        bytes.append(contentsOf: outbound)
        outbound = bytes
        resetPending(entries + pending[head...])
        state = .handshaking(deadline: deadline)
    }

    /// The socket could not connect (refused, unresolvable, timed out).
    mutating func connectFailed(_ error: RedisError, now: Instant, into actions: inout [Action]) {
        switch state {
        case .connecting, .handshaking: break
        default: return
        }
        if lostAt == nil { lostAt = now }
        failAll(error, into: &actions)
        actions.append(.closeSocket)
        backOff(after: error, now: now)
    }

    /// The connection broke (EOF, socket error, protocol error): in-flight commands fail now.
    mutating func connectionClosed(_ reason: RedisError, now: Instant, into actions: inout [Action]) {
        switch state {
        case .connecting, .handshaking:
            connectFailed(RedisError(.connectionFailed, "could not connect to Redis at \(settings.endpoint): \(reason.message)"),
                          now: now, into: &actions)
        case .ready:
            let error = reason.code == .connectionLost || reason.code == .protocolError
                ? reason
                : RedisError(.connectionLost, "connection to Redis at \(settings.endpoint) lost: \(reason.message)")
            lostAt = now
            failAll(error, into: &actions)
            actions.append(.closeSocket)
            actions.append(.disconnected(error))
            backOff(after: error, now: now)
        case .idle, .backingOff, .closed:
            return
        }
    }

    /// Time passed: connect and command deadlines, and the end of a backoff pause.
    mutating func tick(now: Instant, into actions: inout [Action]) {
        switch state {
        case .connecting(let deadline), .handshaking(let deadline):
            if deadline <= now {
                let error = RedisError(.connectionFailed,
                                       "could not connect to Redis at \(settings.endpoint) within \(settings.connectTimeout)")
                connectFailed(error, now: now, into: &actions)
                return
            }
        case .backingOff(let until):
            if until <= now {
                state = .connecting(deadline: now + settings.connectTimeout)
                actions.append(.connect)
            }
            return
        default:
            break
        }
        expireCommands(now: now, into: &actions)
        release(now: now, into: &actions)
        if let stalled = stallDeadline, stalled <= now {
            let error = RedisError(.connectionLost, "no reply from Redis at \(settings.endpoint) for "
                                   + "\(settings.stallTimeout) while commands waited: connection presumed dead")
            connectionClosed(error, now: now, into: &actions)
        }
    }

    /// The socket delivered bytes (possibly only part of a reply).
    mutating func bytesReceived(now: Instant) {
        lastBytesAt = now
    }

    /// When a ready connection with commands waiting is declared dead: the stall timeout after
    /// the later of the oldest waiting command's submission and the last bytes received. Replies
    /// to callers that already gave up still count as waited for: they are due all the same.
    var stallDeadline: Instant? {
        guard state == .ready, head < pending.count, pending[head].handshake == nil else { return nil }
        let submitted = pending[head].deadline - settings.commandTimeout
        let since = lastBytesAt.map { max($0, submitted) } ?? submitted
        return since + settings.stallTimeout
    }

    /// Fails everything and stops for good; the I/O thread closes the socket and exits.
    mutating func shutdown(into actions: inout [Action]) {
        guard state != .closed else { return }
        failAll(RedisError(.shutdown, "the Redis client was shut down"), into: &actions)
        state = .closed
    }

    /// The error callers get while the connection is down and waiting to retry.
    func unavailableError() -> RedisError {
        guard let lastError else { return RedisError(.connectionFailed, "Redis at \(settings.endpoint) is unavailable") }
        if lastError.code == .authenticationFailed { return lastError }
        return RedisError(.connectionFailed,
                          "Redis at \(settings.endpoint) is unavailable, reconnecting (last error: \(lastError.message))")
    }

    mutating func handshakeReplied(_ command: HandshakeCommand, _ reply: RedisReply, now: Instant,
                                   into actions: inout [Action]) {
        if case .error(let message) = reply, command.isFatal {
            let error = command.isAuthentication
                ? RedisError(.authenticationFailed, "Redis at \(settings.endpoint) refused AUTH: \(message)")
                : RedisError(.connectionFailed, "Redis at \(settings.endpoint) refused \(command.parts.first ?? ""): \(message)")
            connectFailed(error, now: now, into: &actions)
            return
        }
        // Handshake entries sit at the front of the queue: done when the next one is a user command.
        if head >= pending.count || pending[head].handshake == nil {
            becomeReady(now: now, into: &actions)
        }
    }

    private mutating func becomeReady(now: Instant, into actions: inout [Action]) {
        state = .ready
        lastBytesAt = now
        attempt = 0
        lastError = nil
        actions.append(.ready(downtime: hasBeenReady ? lostAt.map { now - $0 } : nil))
        hasBeenReady = true
        lostAt = nil
    }

    private mutating func backOff(after error: RedisError, now: Instant) {
        lastError = error
        let delay = settings.backoff.delay(attempt: attempt, unit: randomUnit())
        attempt += 1
        state = .backingOff(until: now + delay)
    }

    private mutating func resetPending<S: Sequence>(_ entries: S) where S.Element == Entry {
        removedCount += head
        pending = Array(entries)
        head = 0
        timeoutCursor = 0
        releaseCursor = 0
        // Positions moved (handshake entries went in front): index the released callers anew.
        released = [:]
        for (index, entry) in pending.enumerated() where entry.attachment == .released {
            released[entry.id] = removedCount + index
        }
    }
}
