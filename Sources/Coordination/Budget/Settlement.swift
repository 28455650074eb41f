/// A cost to record in the ledger (`POST /spend`): the actual cost of a call, settling its
/// reservation if it had one.
public struct Settlement: Sendable, Hashable {
    public var service: String
    public var operation: String
    public var costMicros: Int64
    public var units: Int
    public var reservationID: String?
    /// The caller's key for a cost without a reservation: a retry with the same key (per service,
    /// for 24 h) records nothing again and answers the first `eventID`.
    public var idempotencyKey: String?
    /// Minted by the node (a UUID): the row's unique id in `cost_events`.
    public var eventID: String
    public var requestID: String
    public var nodeID: String
    public var defaultDailyLimitMicros: Int64
    public var defaultMonthlyBudgetMicros: Int64
    /// The provider call this cost paid for, when it was one (`POST /call`): stored with the cost.
    public var call: CallRecord?

    public init(service: String, operation: String, costMicros: Int64, units: Int, reservationID: String?,
                idempotencyKey: String? = nil, eventID: String, requestID: String, nodeID: String,
                defaultDailyLimitMicros: Int64, defaultMonthlyBudgetMicros: Int64, call: CallRecord? = nil) {
        self.service = service
        self.operation = operation
        self.costMicros = costMicros
        self.units = units
        self.reservationID = reservationID
        self.idempotencyKey = idempotencyKey
        self.eventID = eventID
        self.requestID = requestID
        self.nodeID = nodeID
        self.defaultDailyLimitMicros = defaultDailyLimitMicros
        self.defaultMonthlyBudgetMicros = defaultMonthlyBudgetMicros
        self.call = call
    }

    /// What happened to the reservation named, and to the cost.
    public enum Outcome: Int, Sendable, Hashable {
        /// No reservation was named: the cost is recorded.
        case recorded = 0
        /// The reservation was live: released, and the actual cost recorded in its place.
        case settled = 1
        /// The reservation had expired (released unsettled): the cost is recorded anyway, it was spent.
        case expired = 2
        /// No such reservation (never made, or lost with Redis's data): the cost is recorded anyway.
        case unknownReservation = 3
        /// Settled (or recorded with the same idempotency key) before: nothing recorded again;
        /// `eventID` is the first one's.
        case alreadySettled = 4

        public var name: String {
            switch self {
            case .recorded: "recorded"
            case .settled: "settled"
            case .expired: "expired"
            case .unknownReservation: "unknown_reservation"
            case .alreadySettled: "already_settled"
            }
        }
    }

    /// The answer of `BudgetStore.settle`.
    public struct Result: Sendable, Hashable {
        public var outcome: Outcome
        public var eventID: String
        public var atMs: Int64
        public var figures: BudgetFigures
        public var raisedDayLevel: BudgetLevel?
        public var raisedMonthLevel: BudgetLevel?
    }
}
