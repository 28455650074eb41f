/// How many messages one realtime client may send: a token bucket per connection. Without it a
/// client could resubscribe with `since` in a loop (each replay reads up to 1,000 events from
/// Redis) or flood pings and errors, and make the node work without bound for one socket.
/// A dashboard sends a handful of subscribes at start and a ping now and then, far below it.
struct RealtimeMessageBudget {
    /// Messages allowed at once (a dashboard subscribing to every room fits easily).
    let burst: Double
    /// Messages allowed per second after the burst.
    let perSecond: Double
    private var tokens: Double
    private var updatedAt: ContinuousClock.Instant
    /// Messages refused since the last one allowed: a client that keeps sending past its budget
    /// is not a dashboard, and the session closes it once this grows large.
    private(set) var refusedInARow = 0

    init(burst: Int = 20, perSecond: Int = 10, now: ContinuousClock.Instant) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        tokens = Double(burst)
        updatedAt = now
    }

    /// Spends one message if the budget allows it at `now`.
    mutating func take(now: ContinuousClock.Instant) -> Bool {
        let elapsed = now - updatedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if seconds > 0 {
            tokens = min(burst, tokens + seconds * perSecond)
            updatedAt = now
        }
        guard tokens >= 1 else {
            refusedInARow += 1
            return false
        }
        tokens -= 1
        refusedInARow = 0
        return true
    }
}
