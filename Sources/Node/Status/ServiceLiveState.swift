import Logging
import Coordination

/// What `/status` says of one service now, beside its catalog entry: the circuit (shared breaker),
/// the budget's utilization and level, and the state that sums them up for a dashboard.
struct ServiceLiveState: Sendable, Hashable, Encodable {
    /// `down` while the circuit is open (calls fail fast), `degraded` while it is half-open (only
    /// trials pass), `throttled` when the budget admits only high-priority calls or fewer, else `healthy`.
    enum State: String, Sendable, Encodable {
        case healthy, degraded, down, throttled
    }

    var state: State
    var circuit: CircuitState
    /// Committed (spent + reserved) over the tighter of the day's and the month's limits; nil while
    /// the service's counters are being rebuilt from the ledger.
    var budgetUtilization: Double?
    var budgetLevel: String?

    init(circuit: CircuitState, budget: BudgetFigures?) {
        self.circuit = circuit
        budgetUtilization = budget.map { ($0.utilization * 10_000).rounded() / 10_000 }
        budgetLevel = budget?.level.name
        state = switch circuit {
        case .open: .down
        case .halfOpen: .degraded
        case .closed: (budget?.level ?? .ok) >= .throttled ? .throttled : .healthy
        }
    }

    /// `,"state":"…","circuit":"…","budgetUtilization":…,"budgetLevel":"…"` (what `JSONEncoder`
    /// writes for these fields, nulls included), appended inside the service's catalog object.
    func appendFields(to out: inout [UInt8]) {
        out.append(contentsOf: #","state":""#.utf8)
        out.append(contentsOf: state.rawValue.utf8)
        out.append(contentsOf: #"","circuit":""#.utf8)
        out.append(contentsOf: circuit.rawValue.utf8)
        out.append(contentsOf: #"","budgetUtilization":"#.utf8)
        out.append(contentsOf: (budgetUtilization.map { "\($0)" } ?? "null").utf8)
        out.append(contentsOf: #","budgetLevel":"#.utf8)
        if let budgetLevel { JSONBytes.appendString(budgetLevel, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    private enum CodingKeys: String, CodingKey { case state, circuit, budgetUtilization, budgetLevel }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(circuit.rawValue, forKey: .circuit)
        try container.encode(budgetUtilization, forKey: .budgetUtilization)
        try container.encode(budgetLevel, forKey: .budgetLevel)
    }
}
