/// Background work of a feature, run by `DutyRunner` in one generic way: named in logs and metrics,
/// failures logged once per distinct reason and counted, restarted with backoff.
struct Duty: Sendable {
    enum Schedule: Sendable {
        /// Runs until cancelled (a consumer loop); if it ends or throws early it is restarted with backoff.
        case continuous
        /// Runs every `interval`; a throw is a failure of that round (logged, counted), the next round
        /// follows at the interval.
        case periodic(Duration)
        /// Retried with backoff until it returns without throwing (a start-up step such as migrations).
        case untilDone
    }

    /// `<feature>.<duty>` (`cluster.heartbeat`): a metrics label, so a fixed word.
    let name: String
    let schedule: Schedule
    let body: @Sendable () async throws -> Void

    init(_ name: String, _ schedule: Schedule, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.schedule = schedule
        self.body = body
    }
}
