import Coordination
import Logging
import Storage

/// Starts every feature's duties and stops them at shutdown. The one place background work is run:
/// each duty gets a `FailureLog` (a failure is logged once per distinct reason, every one counted in
/// `coordinator_duty_failures_total{duty,reason}`), and restarts back off from 250 ms to 10 s.
final class DutyRunner: Sendable {
    let logger: Logger
    let metrics: MetricsRegistry
    private let tasks: [Task<Void, Never>]

    static let failures = "coordinator_duty_failures_total"
    static let restarts = "coordinator_duty_restarts_total"

    static func describe(in metrics: MetricsRegistry) {
        metrics.describe(failures, .counter, help: "Failed rounds of background duties, by duty and reason.")
        metrics.describe(restarts, .counter, help: "Restarts of continuous background duties that ended early.")
    }

    init(duties: [Duty], logger: Logger, metrics: MetricsRegistry) {
        self.logger = logger
        self.metrics = metrics
        tasks = duties.map { duty in
            let failures = FailureLog(component: duty.name, logger: logger) { component, reason in
                metrics.increment(Self.failures, [("duty", component), ("reason", reason)])
            }
            return Task { await Self.run(duty, failures: failures, logger: logger, metrics: metrics) }
        }
    }

    /// Cancels every duty and waits for each to end.
    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// A fixed word for an error, usable as a metrics label.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as CoordinationError: error.reason
        case let error as RedisError: error.code.description
        case let error as PostgresError: error.code.description
        default: "error"
        }
    }

    /// What the log line says: storage errors' log descriptions (their `description` is the generic
    /// text meant for clients).
    static func detail(_ error: any Error) -> String {
        switch error {
        case let error as PostgresError: error.logDescription
        default: String(describing: error)
        }
    }

    private static func run(_ duty: Duty, failures: FailureLog, logger: Logger, metrics: MetricsRegistry) async {
        var backoff = Backoff()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await duty.body()
                failures.succeeded()
                switch duty.schedule {
                case .untilDone:
                    return
                case .periodic(let interval):
                    backoff.reset()
                    await sleep(interval)
                case .continuous:
                    guard !Task.isCancelled else { return }
                    // A loop that ran a good while before ending is not failing fast: start over.
                    if ContinuousClock.now - started > Backoff.cap { backoff.reset() }
                    metrics.increment(restarts, [("duty", duty.name)])
                    logger.warning("duty ended early; restarting", ["duty": .string(duty.name)])
                    await sleep(backoff.next())
                }
            } catch {
                guard !Task.isCancelled else { return }
                failures.failed(reason(error), detail: detail(error))
                switch duty.schedule {
                case .periodic(let interval): await sleep(interval)
                case .continuous, .untilDone:
                    if ContinuousClock.now - started > Backoff.cap { backoff.reset() }
                    if case .continuous = duty.schedule { metrics.increment(restarts, [("duty", duty.name)]) }
                    await sleep(backoff.next())
                }
            }
        }
    }

    /// Sleeps unless cancelled; a cancelled sleep just ends early (the loop condition then stops).
    private static func sleep(_ duration: Duration) async {
        do { try await Task.sleep(for: duration) } catch { return }
    }

    /// Doubling delays between restarts, capped.
    struct Backoff {
        var current = Duration.milliseconds(250)
        static let cap = Duration.seconds(10)
        mutating func next() -> Duration {
            defer { current = min(current * 2, Self.cap) }
            return current
        }
        mutating func reset() { current = .milliseconds(250) }
    }
}
