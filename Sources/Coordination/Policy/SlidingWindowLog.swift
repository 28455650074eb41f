/// The sliding-log rule of `RateLimitAcquire.lua`, as a pure value: at most `limit` units in any
/// `windowMs` interval. A call at `now` is admitted if the units logged in `(now - windowMs, now]`
/// plus its own fit; the log keeps one entry per admitted call, so memory is bounded by the limit.
/// It is the oracle the script is tested against (same inputs, same decisions) and the reference
/// for reasoning about the guarantee without Redis.
public struct SlidingWindowLog: Sendable, Hashable {
    public let limit: Int
    public let windowMs: Int64
    public private(set) var entries: [(atMs: Int64, units: Int)] = []

    public init(limit: Int, windowMs: Int64) {
        self.limit = limit
        self.windowMs = windowMs
    }

    /// Units in the window ending at `now` (entries at or before `now - windowMs` have left it).
    public mutating func used(at now: Int64) -> Int {
        entries.removeAll { $0.atMs <= now - windowMs }
        return entries.reduce(0) { $0 + $1.units }
    }

    /// Admits (and with `consume`, logs) `units` at `now`, or says when retrying can succeed
    /// (`retryAfterMs` nil when the units exceed the limit: never).
    public mutating func decide(units: Int, now: Int64, consume: Bool = true) -> (allowed: Bool, retryAfterMs: Int64?) {
        let current = used(at: now)
        guard current + units > limit else {
            if consume { entries.append((now, units)) }
            return (true, nil)
        }
        guard units <= limit else { return (false, nil) }
        var freed = 0
        for entry in entries {
            freed += entry.units
            if freed >= current + units - limit { return (false, max(1, entry.atMs + windowMs - now)) }
        }
        return (false, 1)
    }

    public static func == (lhs: SlidingWindowLog, rhs: SlidingWindowLog) -> Bool {
        lhs.limit == rhs.limit && lhs.windowMs == rhs.windowMs && lhs.entries.elementsEqual(rhs.entries) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limit)
        hasher.combine(windowMs)
        for entry in entries {
            hasher.combine(entry.atMs)
            hasher.combine(entry.units)
        }
    }
}
