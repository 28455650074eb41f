import Logging
import Synchronization

/// Everything the emulator remembers, shared by all event loops behind one lock: the knobs and
/// statistics per service and Stripe's idempotency records. Every critical section is a few
/// dictionary operations, never I/O or a sleep.
final class EmulatorState: Sendable {
    /// A Stripe response kept for replay, with what it answered (the same key with other parameters is an error).
    struct StoredReply: Sendable {
        var fingerprint: [UInt8]
        var reply: EmulatorReply
    }

    private struct Inner {
        var knobs: [EmulatedService: ServiceKnobs] = [:]
        var stats: [EmulatedService: ServiceStats] = [:]
        var idempotency: [String: StoredReply] = [:]
    }

    /// Overrides every service's default latency (`--latency-ms`), kept across resets.
    let latencyOverrideMs: Int?
    private let inner = Mutex(Inner())

    init(latencyOverrideMs: Int?) {
        self.latencyOverrideMs = latencyOverrideMs
        reset()
    }

    func reset() {
        let latency = latencyOverrideMs
        inner.withLock { inner in
            inner = Inner()
            for service in EmulatedService.allCases {
                inner.knobs[service] = ServiceKnobs(service: service, latencyMs: latency)
                inner.stats[service] = ServiceStats()
            }
        }
    }

    func knobs(_ service: EmulatedService) -> ServiceKnobs {
        inner.withLock { $0.knobs[service] ?? ServiceKnobs(service: service) }
    }

    /// Applies `update` to each of `services`; nil, or the first validation problem (nothing changed then).
    func configure(_ services: [EmulatedService], _ update: [String: JSONValue]) -> String? {
        inner.withLock { inner in
            var changed = inner.knobs
            for service in services {
                var knobs = changed[service] ?? ServiceKnobs(service: service)
                if let problem = knobs.apply(update) { return problem }
                changed[service] = knobs
            }
            inner.knobs = changed
            return nil
        }
    }

    func record(_ service: EmulatedService, status: String, items: Int) {
        inner.withLock { $0.stats[service, default: ServiceStats()].record(status: status, items: items) }
    }

    var configJSON: JSONValue {
        inner.withLock { inner in
            .object(["services": .object(Dictionary(uniqueKeysWithValues: inner.knobs.map { ($0.key.rawValue, $0.value.json) }))])
        }
    }

    var statsJSON: JSONValue {
        inner.withLock { inner in
            .object(["services": .object(Dictionary(uniqueKeysWithValues: inner.stats.map { ($0.key.rawValue, $0.value.json) }))])
        }
    }

    /// The stored reply for `key`, or the one `make` produces, stored if it succeeded (Stripe does not
    /// keep 5xx; it does keep 4xx, but a retried validation error costs nothing here, so only 2xx are kept).
    /// `replayed` is true when the stored one is returned; a key seen with another fingerprint is `conflict`.
    func idempotent(key: String, fingerprint: [UInt8], make: () -> EmulatorReply) -> (reply: EmulatorReply, replayed: Bool, conflict: Bool) {
        inner.withLock { inner in
            if let stored = inner.idempotency[key] {
                return (stored.reply, true, stored.fingerprint != fingerprint)
            }
            let reply = make()
            if (200..<300).contains(reply.status) {
                inner.idempotency[key] = StoredReply(fingerprint: fingerprint, reply: reply)
            }
            return (reply, false, false)
        }
    }
}
