import Foundation
import Storage

/// Budgets in Redis (integer micro-dollars per service, per UTC day and month, plus reservations),
/// decided by the same scripts as the rate limits so that the counters, the reservations and the
/// ledger outbox change together or not at all. Every key is under the service's `{svc:<name>}` tag.
public struct BudgetStore: Sendable {
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let keys: KeySpace

    /// Largest cost one call may reserve or record: $1,000,000 (a bound on input, far below 2^53).
    public static let maxCostMicros: Int64 = 1_000_000_000_000
    /// How long a settled reservation is remembered, so settling it twice records it once.
    static let settledMemoryMs: Int64 = 86_400_000

    public init(redis: RedisClient, postgres: PostgresClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.postgres = postgres
        self.keys = keys
    }

    /// Records `settlement` (and settles its reservation) in one atomic step with its outbox entry.
    /// `budgetRebuilding` while the counters are being rebuilt: the caller retries, nothing changed.
    public func settle(_ settlement: Settlement) async throws(CoordinationError) -> Settlement.Result {
        guard settlement.costMicros >= 0, settlement.costMicros <= Self.maxCostMicros else {
            throw CoordinationError(.invalidInput, operation: "record a cost", detail: "costMicros must be 0 to \(Self.maxCostMicros)",
                                    field: "costMicros")
        }
        let k = keys.service(settlement.service)
        // Without a reservation the fourth key is never written: any key of the service's tag will do.
        let idempotent = settlement.reservationID == nil && settlement.idempotencyKey != nil
        let reservationKey = settlement.reservationID.map(k.reservation) ?? settlement.idempotencyKey.map(k.spendIdempotency)
            ?? k.reservations
        let reply: RedisReply
        do {
            reply = try await redis.run(BudgetScripts.settle, keys: [k.budget, k.limits, k.reservations, reservationKey, k.ledgerOutbox],
                                        args: [String(settlement.costMicros), settlement.eventID, settlement.operation,
                                               String(settlement.units), settlement.reservationID ?? "", settlement.requestID,
                                               settlement.nodeID, String(settlement.defaultDailyLimitMicros),
                                               String(settlement.defaultMonthlyBudgetMicros), settlement.service,
                                               String(Self.settledMemoryMs), idempotent ? "1" : "0"]
                                            + Self.callArguments(settlement.call))
        } catch {
            throw CoordinationError(redis: error, operation: "record a cost of \(settlement.service)")
        }
        guard let values = reply.array else { throw corrupt(reply, "record a cost of \(settlement.service)") }
        if values.count == 1, values[0].integer == -1 {
            throw CoordinationError(.budgetRebuilding, operation: "record a cost of \(settlement.service)",
                                    detail: "the budget counters are not rebuilt from the ledger yet")
        }
        let numbers = values.prefix(12).compactMap(\.integer)
        guard values.count == 13, numbers.count == 12, let outcome = Settlement.Outcome(rawValue: Int(numbers[0])),
              let figures = BudgetFigures(reply: numbers[2...9]), let eventID = values[12].string else {
            throw corrupt(reply, "record a cost of \(settlement.service)")
        }
        return Settlement.Result(outcome: outcome, eventID: eventID, atMs: numbers[1], figures: figures,
                                 raisedDayLevel: numbers[10] > 0 ? BudgetLevel(rawValue: Int(numbers[10])) : nil,
                                 raisedMonthLevel: numbers[11] > 0 ? BudgetLevel(rawValue: Int(numbers[11])) : nil)
    }

    /// The budget of `service` now (releasing expired reservations on the way). With `raiseAlerts`
    /// (the limits passed must then be the catalog's), a level reached without spending, because an
    /// admin lowered the budget, is alerted like any other crossing.
    public func snapshot(_ service: String, dailyLimitMicros: Int64, monthlyBudgetMicros: Int64, raiseAlerts: Bool = true)
        async throws(CoordinationError) -> BudgetSnapshot {
        let k = keys.service(service)
        let reply: RedisReply
        do {
            reply = try await redis.run(BudgetScripts.state, keys: [k.budget, k.limits, k.reservations, k.ledgerOutbox],
                                        args: [String(dailyLimitMicros), String(monthlyBudgetMicros), raiseAlerts ? service : ""])
        } catch {
            throw CoordinationError(redis: error, operation: "read the budget of \(service)")
        }
        guard let numbers = reply.array?.compactMap(\.integer), numbers.count == 14 else {
            throw corrupt(reply, "read the budget of \(service)")
        }
        let figures = numbers[0] == 1 ? BudgetFigures(reply: numbers[2...9]) : nil
        if numbers[0] == 1, figures == nil { throw corrupt(reply, "read the budget of \(service)") }
        return BudgetSnapshot(service: service, atMs: numbers[1], figures: figures, liveReservations: Int(numbers[10]),
                              expiredReservations: numbers[11], outboxLength: Int(numbers[12]),
                              oldestOutboxEntryMs: numbers[13] > 0 ? numbers[13] : nil)
    }

    /// What `rebuildIfNeeded` found or did.
    public enum RebuildOutcome: Sendable, Hashable {
        /// The counters were there already.
        case ready
        /// Rebuilt from the ledger: spent today and this month.
        case rebuilt(dayMicros: Int64, monthMicros: Int64)
        /// The outbox still holds costs on their way to PostgreSQL: drain it first.
        case waitingForOutbox
    }

    /// Costs of the current UTC day and month in the ledger (kind `actual`).
    static let ledgerSumsSQL = """
    SELECT COALESCE(sum(cost_micros) FILTER (WHERE at >= $2), 0)::bigint,
           COALESCE(sum(cost_micros), 0)::bigint
      FROM cost_events
     WHERE service = $1 AND kind = 'actual' AND at >= $3 AND at < $4
    """

    /// If Redis lost the counters of `service`, rebuilds them from PostgreSQL's ledger once its outbox
    /// is empty (everything recorded is then in `cost_events`). Until then, budget decisions answer
    /// `budgetRebuilding`. Safe to run on every node at once: the first rebuild wins, the others see ready.
    public func rebuildIfNeeded(_ service: String) async throws(CoordinationError) -> RebuildOutcome {
        let state = try await snapshot(service, dailyLimitMicros: 0, monthlyBudgetMicros: 0, raiseAlerts: false)
        if state.figures != nil { return .ready }
        if state.outboxLength > 0 { return .waitingForOutbox }
        // The period from the cluster clock the script read, not this node's.
        let clusterNow = Date(timeIntervalSince1970: Double(state.atMs) / 1000)
        let period = UTCPeriod(clusterNow)
        let rows: PostgresRows
        do {
            rows = try await postgres.query(Self.ledgerSumsSQL, [.text(service), .timestamptz(period.dayStart),
                                                                  .timestamptz(period.monthStart), .timestamptz(period.nextMonthStart)])
        } catch {
            throw CoordinationError(postgres: error, operation: "sum the ledger of \(service)")
        }
        let day: Int64, month: Int64
        do {
            guard let row = rows.first else { throw CoordinationError(.corruptState, operation: "sum the ledger", detail: "no row") }
            day = try row.decode(at: 0, as: Int64.self)
            month = try row.decode(at: 1, as: Int64.self)
        } catch let error as CoordinationError {
            throw error
        } catch {
            throw CoordinationError(.corruptState, operation: "sum the ledger of \(service)", detail: String(describing: error))
        }
        let k = keys.service(service)
        let reply: RedisReply
        do {
            reply = try await redis.run(BudgetScripts.rebuild, keys: [k.budget, k.reservations, k.ledgerOutbox],
                                        args: [String(period.dayIndex), String(day), String(period.monthIndex), String(month)])
        } catch {
            throw CoordinationError(redis: error, operation: "rebuild the budget of \(service)")
        }
        switch reply.integer {
        case 1: return .rebuilt(dayMicros: day, monthMicros: month)
        case 0: return .ready
        case -1: return .waitingForOutbox
        case -2: return try await rebuildIfNeeded(service)   // midnight passed in between: sum again
        default: throw corrupt(reply, "rebuild the budget of \(service)")
        }
    }

    /// ARGV[13...18] of BudgetSettle.lua: the call's status, outcome, latency, items, attempts and
    /// error ('' status: not a call).
    static func callArguments(_ call: CallRecord?) -> [String] {
        guard let call else { return ["", "", "", "", "", ""] }
        return [String(call.status), call.outcome, String(call.latencyMs), String(call.items), String(call.attempts), call.error ?? ""]
    }

    private func corrupt(_ reply: RedisReply, _ operation: String) -> CoordinationError {
        CoordinationError(.corruptState, operation: operation, detail: "the budget script answered \(reply.redactedDescription)")
    }
}
