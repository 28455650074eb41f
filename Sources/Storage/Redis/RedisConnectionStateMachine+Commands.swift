/// Commands and their replies: FIFO matching, per-command deadlines, detaching cancelled callers.
extension RedisConnectionStateMachine {
    /// Accepts a batch of requests whose RESP bytes, in the same order, are in `bytes` (emptied).
    /// The connection thread drains callers' submissions this way, reading the clock once per batch.
    mutating func enqueue(_ submissions: [Submission], bytes: inout [UInt8], now: Instant,
                          into actions: inout [Action]) {
        guard !submissions.isEmpty else { return }
        if let refusal {
            for submission in submissions { actions.append(.complete(submission.waiter, .failure(refusal))) }
            bytes.removeAll(keepingCapacity: true)
            return
        }
        let deadline = now + settings.commandTimeout
        for submission in submissions {
            pending.append(Entry(id: submission.id, waiter: submission.waiter, remaining: max(submission.replies, 1),
                                 collected: [], collects: submission.collects, errorEndsRequest: submission.errorEndsRequest,
                                 deadline: deadline, handshake: nil))
        }
        if outbound.isEmpty { swap(&outbound, &bytes) } else { outbound.append(contentsOf: bytes) }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The error a caller gets at once instead of being queued, or nil when commands are accepted.
    var refusal: RedisError? {
        switch state {
        case .closed: RedisError(.shutdown, "the Redis client was shut down")
        case .backingOff: unavailableError()
        case .idle, .connecting, .handshaking, .ready: nil
        }
    }

    /// The I/O layer takes the buffered bytes to write them (swap keeps both buffers' capacity).
    mutating func takeOutbound(swappingWith buffer: inout [UInt8]) {
        guard isSocketConnected, !outbound.isEmpty else { return }
        swap(&outbound, &buffer)
    }

    mutating func replyReceived(_ reply: RedisReply, now: Instant, into actions: inout [Action]) {
        guard isSocketConnected else { return }
        if settings.isSubscriber, Self.isPush(reply) {
            actions.append(.push(reply))
            return
        }
        guard head < pending.count else {
            connectionClosed(RedisError(.protocolError, "Redis sent a reply nobody asked for: \(reply.redactedDescription)"),
                             now: now, into: &actions)
            return
        }
        pending[head].remaining -= 1
        let collects = pending[head].collects
        if collects { pending[head].collected.append(reply) }
        // SUBSCRIBE a b answers with one confirmation per channel, but with a single error reply.
        let endsEarly = pending[head].errorEndsRequest && reply.errorMessage != nil
        guard pending[head].remaining <= 0 || endsEarly else { return }
        // Read only the fields needed: copying whole entries is measurable on this path.
        let handshake = pending[head].handshake
        let answer = collects ? RedisReply.array(pending[head].collected) : reply
        if collects { pending[head].collected = [] }
        if handshake == nil { finish(head, .success(answer), into: &actions) }
        head += 1
        compactIfNeeded()
        if let handshake {
            handshakeReplied(currentHandshake[Int(handshake)], reply, now: now, into: &actions)
        }
    }

    /// A caller gave up (task cancelled): it is answered now and its reply will be discarded.
    /// A released caller that has not reattached is forgotten instead: its reply will be discarded
    /// and its reattachment answered `.cancelled` (see `reattach`).
    mutating func cancel(id: UInt64, into actions: inout [Action]) {
        if parked.removeValue(forKey: id) != nil { return }
        if let index = takeReleased(id) {
            pending[index].attachment = .reattached
            return
        }
        var index = head
        while index < pending.count {
            if pending[index].id == id, pending[index].handshake == nil, let waiter = pending[index].waiter {
                pending[index].waiter = nil
                actions.append(.complete(waiter, .failure(RedisError(.cancelled, "the command was cancelled"))))
                return
            }
            index += 1
        }
    }

    /// The earliest time `tick` has something to do.
    var nextDeadline: Instant? {
        var earliest: Instant?
        switch state {
        case .connecting(let deadline), .handshaking(let deadline): earliest = deadline
        case .backingOff(let until): earliest = until
        default: break
        }
        if let stalled = stallDeadline { earliest = earliest.map { min($0, stalled) } ?? stalled }
        if let release = nextRelease { earliest = earliest.map { min($0, release) } ?? release }
        var index = max(timeoutCursor, head)
        while index < pending.count {
            if pending[index].isAnswerable, pending[index].handshake == nil {
                let deadline = pending[index].deadline
                return earliest.map { min($0, deadline) } ?? deadline
            }
            index += 1
        }
        return earliest
    }

    /// Fails callers whose deadline passed. All commands share one timeout, so deadlines grow along
    /// the queue and the scan stops at the first caller still within its time.
    mutating func expireCommands(now: Instant, into actions: inout [Action]) {
        var index = max(timeoutCursor, head)
        while index < pending.count {
            if !pending[index].isAnswerable || pending[index].handshake != nil {
                index += 1
                continue
            }
            guard pending[index].deadline <= now else { break }
            finish(index, .failure(RedisError(.timeout, "no reply from Redis within \(settings.commandTimeout)")),
                   into: &actions)
            index += 1
        }
        timeoutCursor = index
    }

    /// Completes every waiter with `error` and forgets all commands and unsent bytes.
    mutating func failAll(_ error: RedisError, into actions: inout [Action]) {
        for index in head..<pending.count where pending[index].handshake == nil {
            finish(index, .failure(error), into: &actions)
        }
        removedCount += pending.count
        pending.removeAll(keepingCapacity: true)
        head = 0
        timeoutCursor = 0
        releaseCursor = 0
        outbound.removeAll(keepingCapacity: true)
    }

    private mutating func compactIfNeeded() {
        if head == pending.count {
            removedCount += pending.count
            pending.removeAll(keepingCapacity: true)
            head = 0
            timeoutCursor = 0
            releaseCursor = 0
        } else if head > 4096, head * 2 > pending.count {
            removedCount += head
            pending.removeFirst(head)
            timeoutCursor = max(timeoutCursor - head, 0)
            releaseCursor = max(releaseCursor - head, 0)
            head = 0
        }
    }

    static func isPush(_ reply: RedisReply) -> Bool {
        guard case .array(let elements) = reply, let kind = elements.first?.bytes else { return false }
        return kind == Array("message".utf8) || kind == Array("pmessage".utf8)
    }
}
