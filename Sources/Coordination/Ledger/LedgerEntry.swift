/// One entry of a service's ledger outbox (a Redis stream): a settled cost on its way to
/// `cost_events`, or a budget alert on its way to `budget_alerts` (and the `cost_monitoring` room).
enum LedgerEntry: Sendable, Hashable {
    struct Cost: Sendable, Hashable {
        var eventID: String
        var service: String
        var operation: String
        var costMicros: Int64
        var units: Int64
        var reservationID: String
        var requestID: String
        var nodeID: String
        var atMs: Int64
        /// The provider call the cost paid for (fields `call_*`), if it was one.
        var call: CallRecord? = nil
    }

    struct Alert: Sendable, Hashable {
        var service: String
        var level: String
        var period: String
        /// `<period key>:<level>`, unique per service in `budget_alerts`.
        var key: String
        var spentMicros: Int64
        var limitMicros: Int64
        var atMs: Int64
    }

    case cost(Cost)
    case alert(Alert)
    /// An entry this version cannot read (foreign or damaged): acknowledged and counted, never retried forever.
    case unreadable

    /// Reads the flat field/value list `XADD` stored (see BudgetSettle.lua, BudgetPrelude.lua).
    init(fields: [String]) {
        var map: [String: String] = [:]
        var index = 0
        while index + 1 < fields.count {
            map[fields[index]] = fields[index + 1]
            index += 2
        }
        func int(_ name: String) -> Int64? { map[name].flatMap { Int64($0) } }
        switch map["kind"] {
        case "cost":
            guard let event = map["event"], let service = map["service"], let cost = int("cost"), let at = int("at") else {
                self = .unreadable
                return
            }
            self = .cost(Cost(eventID: event, service: service, operation: map["operation"] ?? "", costMicros: cost,
                              units: int("units") ?? 1, reservationID: map["reservation"] ?? "",
                              requestID: map["request"] ?? "", nodeID: map["node"] ?? "", atMs: at,
                              call: Self.call(map)))
        case "alert":
            guard let service = map["service"], let level = map["level"], let period = map["period"], let key = map["key"],
                  let spent = int("spent"), let limit = int("limit"), let at = int("at") else {
                self = .unreadable
                return
            }
            self = .alert(Alert(service: service, level: level, period: period, key: key, spentMicros: spent,
                                limitMicros: limit, atMs: at))
        default:
            self = .unreadable
        }
    }

    /// The `call_*` fields of a cost entry; nil when the cost was not a call (or they are damaged:
    /// the cost still counts).
    private static func call(_ map: [String: String]) -> CallRecord? {
        guard let status = map["call_status"].flatMap({ Int($0) }), let outcome = map["call_outcome"],
              let latency = map["call_latency"].flatMap({ Int($0) }) else { return nil }
        let error = map["call_error"] ?? ""
        return CallRecord(status: status, outcome: outcome, latencyMs: latency, items: map["call_items"].flatMap { Int($0) } ?? 1,
                          attempts: map["call_attempts"].flatMap { Int($0) } ?? 1, error: error.isEmpty ? nil : error)
    }
}
