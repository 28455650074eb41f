import Storage

/// The one error type of the domain: what went wrong in domain terms, so a controller or a duty can
/// react (503 and retry, 500 and a log line, 400 naming the field) without knowing which store
/// failed or how. The storage error that caused it stays in `detail`, for logs only.
public struct CoordinationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A struct rather than an enum so new codes can be added without breaking anyone's switch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { description = name }

        /// Shared state cannot be read or written now (Redis down, reconnecting, timed out): retry.
        public static let sharedStateUnavailable = Code("sharedStateUnavailable")
        /// Durable history cannot be read or written now (PostgreSQL down): retry.
        public static let historyUnavailable = Code("historyUnavailable")
        /// A store answered in a shape the domain does not expect: a bug or foreign data, not an outage.
        public static let corruptState = Code("corruptState")
        /// A service's budget counters are being rebuilt from the ledger after Redis lost them: no
        /// budget decision can be taken yet (503, retry in a moment).
        public static let budgetRebuilding = Code("budgetRebuilding")
        /// The caller asked for something the domain refuses (unknown room, bad value).
        public static let invalidInput = Code("invalidInput")
    }

    public let code: Code
    /// What the domain was doing, in words ("publish to room cost_monitoring").
    public let operation: String
    /// The underlying failure, for logs only (may name hosts; never secrets).
    public let detail: String
    /// For `invalidInput`: the offending input field.
    public let field: String?

    public init(_ code: Code, operation: String, detail: String, field: String? = nil) {
        self.code = code
        self.operation = operation
        self.detail = detail
        self.field = field
    }

    /// A Redis failure while doing `operation`: an outage if the client says so, else corrupt state.
    public init(redis error: RedisError, operation: String) {
        switch error.code {
        case .connectionFailed, .connectionLost, .timeout, .authenticationFailed, .shutdown, .cancelled:
            self.init(.sharedStateUnavailable, operation: operation, detail: error.description)
        case .server where error.serverErrorPrefix.map { Self.transientRedisReplies.contains(String($0)) } == true:
            self.init(.sharedStateUnavailable, operation: operation, detail: error.description)
        default:
            self.init(.corruptState, operation: operation, detail: error.description)
        }
    }

    /// Redis error replies that mean "not now" rather than "never": it is loading its data after a
    /// restart, running a long script, failing over, or resharding. Retrying later works (503).
    static let transientRedisReplies: Set<String> = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"]

    /// A PostgreSQL failure while doing `operation`.
    public init(postgres error: PostgresError, operation: String) {
        self.init(error.isUnavailable ? .historyUnavailable : .corruptState, operation: operation,
                  detail: error.logDescription)
    }

    /// True when retrying later may succeed (an outage, not a bug).
    public var isUnavailable: Bool {
        code == .sharedStateUnavailable || code == .historyUnavailable || code == .budgetRebuilding
    }

    /// A fixed word for metrics labels and `FailureLog` reasons.
    public var reason: String { code.description }

    public var description: String { "CoordinationError.\(code) during \(operation): \(detail)" }
}

