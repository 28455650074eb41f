import Synchronization

/// When this node first saw each service's budget counters missing. The rebuild waits a grace
/// period after that: a drain that read entries just before Redis lost them may still be inserting
/// them, and summing the ledger before it commits would undercount the spend.
final class NotReadySince: Sendable {
    private let seen = Mutex<[String: ContinuousClock.Instant]>([:])

    /// True once `service` has been seen not ready for at least `grace` (the first sighting starts the clock).
    func elapsed(_ service: String, grace: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        seen.withLock { seen in
            guard let first = seen[service] else {
                seen[service] = now
                return false
            }
            return now - first >= grace
        }
    }

    func clear(_ service: String) {
        _ = seen.withLock { $0.removeValue(forKey: service) }
    }
}
