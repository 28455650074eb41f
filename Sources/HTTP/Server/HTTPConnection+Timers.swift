/// The header, body, idle and linger clocks, kept in one lazily re-armed timer per connection
/// (re-arming on every request would fill the heap with cancelled entries).
extension HTTPConnection {
    /// What happens when a deadline passes.
    enum TimeoutKind {
        case header, body, idle, linger
    }

    func currentDeadline() -> (UInt64, TimeoutKind)? {
        let configuration = server.configuration
        switch phase {
        case .reading:
            if let bodyStartedAt {
                return (bodyStartedAt &+ MonotonicClock.nanoseconds(configuration.bodyReadTimeout), .body)
            }
            if let headStartedAt {
                return (headStartedAt &+ MonotonicClock.nanoseconds(configuration.headerReadTimeout), .header)
            }
            return (idleSince &+ MonotonicClock.nanoseconds(configuration.idleTimeout), .idle)
        case .lingering:
            return (lingerStartedAt &+ MonotonicClock.nanoseconds(configuration.lingerTimeout), .linger)
        case .responding, .webSocket, .closed:
            return nil
        }
    }

    /// Arms the timer if the current deadline is earlier than the armed one; later deadlines are
    /// picked up when the armed one fires.
    func updateTimer() {
        guard let (deadline, _) = currentDeadline() else { return }
        if let timer, !timer.isCancelled, timer.deadline <= deadline { return }
        timer?.cancel()
        timer = loop.scheduleOnLoop(deadline: deadline) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let (deadline, kind) = currentDeadline() else { return }
        guard MonotonicClock.nanoseconds() >= deadline else {
            updateTimer()
            return
        }
        switch kind {
        case .idle, .linger:
            close()
        case .header:
            if !parser.isReadingHead {
                close()
            } else {
                refuse(status: 408, code: "request_timeout", message: "The request head took too long.")
            }
        case .body:
            refuse(status: 408, code: "request_timeout", message: "The request body took too long.")
        }
    }
}
