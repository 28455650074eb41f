/// Releasing slow callers: a caller waits first without a cancellation handler (registering one
/// per command costs more than the rest of the command's path in the process), and only a caller
/// whose command is still unanswered after `releaseDelay` is resumed early to install one.
///
/// Each waiter still leaves the machine exactly once: in `.release` (then its caller reattaches
/// with a new waiter, which leaves in `.complete`) or in `.complete`. A result that arrives between
/// release and reattachment is parked under the request id and handed over at reattachment.
extension RedisConnectionStateMachine {
    /// Releases callers waiting `releaseDelay` or longer. Commands share one delay, so release
    /// times grow along the queue and the scan stops at the first caller still within its time.
    mutating func release(now: Instant, into actions: inout [Action]) {
        var index = max(releaseCursor, head)
        while index < pending.count {
            guard pending[index].attachment == .waiting, pending[index].handshake == nil,
                  let waiter = pending[index].waiter else {
                index += 1
                continue
            }
            guard releaseTime(of: index) <= now else { break }
            pending[index].waiter = nil
            pending[index].attachment = .released
            released[pending[index].id] = removedCount + index
            actions.append(.release(waiter))
            index += 1
        }
        releaseCursor = index
    }

    /// A released caller is back with a new waiter: it gets its parked result at once, or waits
    /// for the reply as before. An unknown id means the caller was cancelled in between (its
    /// result was dropped then), so the answer is `.cancelled`.
    mutating func reattach(id: UInt64, waiter: Waiter, into actions: inout [Action]) {
        if let result = parked.removeValue(forKey: id) {
            actions.append(.complete(waiter, result))
            return
        }
        if let index = takeReleased(id) {
            pending[index].waiter = waiter
            pending[index].attachment = .reattached
            return
        }
        actions.append(.complete(waiter, .failure(RedisError(.cancelled, "the command was cancelled"))))
    }

    /// The index of released caller `id`'s entry, now forgotten as released; nil if there is none.
    mutating func takeReleased(_ id: UInt64) -> Int? {
        guard let position = released.removeValue(forKey: id) else { return nil }
        let index = position - removedCount
        guard index >= head, index < pending.count, pending[index].id == id,
              pending[index].attachment == .released else { return nil }
        return index
    }

    /// When the next caller is due for release, for the connection thread's sleep.
    var nextRelease: Instant? {
        var index = max(releaseCursor, head)
        while index < pending.count {
            if pending[index].attachment == .waiting, pending[index].handshake == nil, pending[index].waiter != nil {
                return releaseTime(of: index)
            }
            index += 1
        }
        return nil
    }

    /// Answers the request at `index`: its waiter now, or its parked slot if it was released.
    mutating func finish(_ index: Int, _ result: Result<RedisReply, RedisError>, into actions: inout [Action]) {
        if let waiter = pending[index].waiter {
            pending[index].waiter = nil
            actions.append(.complete(waiter, result))
        } else if pending[index].attachment == .released {
            pending[index].attachment = .reattached
            released[pending[index].id] = nil
            parked[pending[index].id] = result
        }
    }

    private func releaseTime(of index: Int) -> Instant {
        pending[index].deadline - settings.commandTimeout + settings.releaseDelay
    }
}

extension RedisConnectionStateMachine.Entry {
    /// Someone still wants this request's result: a waiter, or a released caller coming back.
    var isAnswerable: Bool { waiter != nil || attachment == .released }
}
