import Synchronization

/// Background work (a duty, a gap fill, a cleanup) must not drop errors silently, nor flood the log
/// with one line per retry while a dependency is down. This logs a failure once per distinct reason
/// until the work succeeds again (then one "recovered" line), and counts every occurrence through
/// `count` (the node turns it into a Prometheus counter labelled by component and reason).
public final class FailureLog: Sendable {
    /// What failed: a duty's name or a store's operation. A metrics label: keep it to a fixed word.
    public let component: String
    let logger: Logger
    let count: @Sendable (_ component: String, _ reason: String) -> Void
    /// The reasons logged since the last success (empty while things work): a dependency that is down
    /// often alternates between reasons (refused, timed out), and each must be logged only once.
    private let current = Mutex<Set<String>>([])

    public init(component: String, logger: Logger,
                count: @escaping @Sendable (_ component: String, _ reason: String) -> Void = { _, _ in }) {
        self.component = component
        self.logger = logger
        self.count = count
    }

    /// Records one failure. `reason` is a fixed word (an error code: it becomes a metrics label);
    /// `detail` is free text for the log line only.
    public func failed(_ reason: String, detail: String, level: Logger.Level = .warning) {
        count(component, reason)
        let isNew = current.withLock { $0.insert(reason).inserted }
        guard isNew else { return }
        logger.log(level, "\(component) failing", fields: [("component", .string(component)), ("reason", .string(reason)),
                                                          ("error", .string(detail))])
    }

    /// Records a success: logs once if it ends a run of failures.
    public func succeeded() {
        let wasFailing = current.withLock { current -> Bool in
            defer { current.removeAll() }
            return !current.isEmpty
        }
        if wasFailing { logger.info("\(component) recovered", ["component": .string(component)]) }
    }

    /// True while the last outcome was a failure.
    public var isFailing: Bool { current.withLock { !$0.isEmpty } }
}
