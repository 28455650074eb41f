import Foundation
import Storage

extension RealtimeHub {
    /// Whether fan-out works right now, end to end: a token published on `channel` (the node's own
    /// probe channel) must come back through this node's pub/sub connection within `timeout`. An
    /// open socket is not enough: a connection killed or stuck on the server side delivers nothing
    /// while looking fine locally. Returns false at once while the subscriber is disconnected.
    public func probe(channel: String, timeout: Duration) async -> Bool {
        guard subscriber.isConnected, !isShutDown else { return false }
        let needsSubscribe = state.withLock { state -> Bool in
            defer { state.probeChannel = channel }
            return state.probeChannel != channel
        }
        if needsSubscribe || !subscriber.channels.contains(channel) {
            do { try await subscriber.subscribe(channel) } catch { return false }
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // `/readyz` is unauthenticated and may be hammered: a probe already in flight answers for
            // every caller that arrives meanwhile, so there is at most one probe message at a time.
            let token = state.withLock { state -> String? in
                if state.probe != nil {
                    state.probe?.waiters.append(continuation)
                    return nil
                }
                let token = UUID().uuidString
                state.probe = (token, [continuation], nil)
                return token
            }
            guard let token else { return }
            let timer = Task {
                do {
                    _ = try await redis.send("PUBLISH", channel, token).throwingServerError()
                } catch {
                    finishProbe(token, received: false)
                    return
                }
                // Cancelled when the message came back: no task sleeps on for a finished probe.
                try? await Task.sleep(for: timeout)
                finishProbe(token, received: false)
            }
            let answered = state.withLock { state -> Bool in
                guard state.probe?.token == token else { return true }
                state.probe?.timer = timer
                return false
            }
            if answered { timer.cancel() }
        }
    }

    /// Resumes every caller waiting for the probe `token`, once (the message and the timeout race).
    func finishProbe(_ token: String, received: Bool) {
        let finished = state.withLock { state -> (waiters: [CheckedContinuation<Bool, Never>], timer: Task<Void, Never>?)? in
            guard let probe = state.probe, probe.token == token else { return nil }
            state.probe = nil
            return (probe.waiters, probe.timer)
        }
        guard let finished else { return }
        finished.timer?.cancel()
        for waiter in finished.waiters { waiter.resume(returning: received) }
    }

    /// True if `message` was a probe (answered here, not fanned out).
    func answerProbe(_ message: RedisPubSubMessage) -> Bool {
        guard let channel = state.withLock({ $0.probeChannel }), message.channel == channel else { return false }
        if let token = message.string { finishProbe(token, received: true) }
        return true
    }
}
