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
        let token = UUID().uuidString
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            state.withLock { $0.probes[token] = continuation }
            Task {
                do {
                    _ = try await redis.send("PUBLISH", channel, token).throwingServerError()
                } catch {
                    finishProbe(token, received: false)
                    return
                }
                try? await Task.sleep(for: timeout)   // cancellation is not expected: the task is ours
                finishProbe(token, received: false)
            }
        }
    }

    /// Resumes the probe waiting for `token`, once (the message and the timeout race).
    func finishProbe(_ token: String, received: Bool) {
        let waiter = state.withLock { $0.probes.removeValue(forKey: token) }
        waiter?.resume(returning: received)
    }

    /// True if `message` was a probe (answered here, not fanned out).
    func answerProbe(_ message: RedisPubSubMessage) -> Bool {
        guard let channel = state.withLock({ $0.probeChannel }), message.channel == channel else { return false }
        if let token = message.string { finishProbe(token, received: true) }
        return true
    }
}
