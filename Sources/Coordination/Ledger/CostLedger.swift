import Foundation
import Logging
import Storage

/// The cost ledger: settled costs and budget alerts leave Redis's outbox (one stream per service,
/// written by the same scripts that move the counters) for PostgreSQL in batches. Every node drains
/// every service through the consumer group `ledger`; an entry is acknowledged and deleted only
/// after its batch committed, and inserted idempotently (`cost_events.event_id`,
/// `budget_alerts (service, alert_key)` unique), so a node killed between the commit and the
/// acknowledgement, or an entry claimed from a dead node, is still counted once. PostgreSQL down for
/// minutes: the entries wait in the stream (acknowledged nothing is lost).
public struct CostLedger: Sendable {
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let keys: KeySpace

    static let group = "ledger"
    /// Entries per batch (one INSERT statement).
    public static let batchSize = 500

    public init(redis: RedisClient, postgres: PostgresClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.postgres = postgres
        self.keys = keys
    }

    /// What one drain round moved.
    public struct DrainResult: Sendable {
        /// Entries acknowledged (costs, alerts and unreadable ones).
        public var acknowledged: Int = 0
        /// Cost rows inserted now (an entry already in the table is not counted again).
        public var costsInserted: Int = 0
        /// Alerts stored now, to broadcast (a duplicate is not returned).
        public var alerts: [BudgetAlertRecord] = []
        public var unreadable: Int = 0
        /// Entries PostgreSQL refused as data (not an outage): kept in the service's dead-letter list
        /// (`KeySpace.ServiceKeys.ledgerDeadLetter`) for an operator, acknowledged so the rest flows.
        public var deadLettered: Int = 0
    }

    /// Moves one batch of `service`'s outbox to PostgreSQL as `consumer` (the node id): first what this
    /// consumer read before and did not acknowledge (a failed insert, or a restart), then entries
    /// idle longer than `claimIdleMs` at another consumer (a dead node), then new entries.
    /// `claimIdleMs` nil: do not look for a dead consumer's entries this round (it costs a command).
    public func drain(_ service: String, consumer: String, claimIdleMs: Int64?) async throws(CoordinationError) -> DrainResult {
        let stream = keys.service(service).ledgerOutbox
        var entries = try await read(stream, consumer: consumer, id: "0")
        if entries.isEmpty, let claimIdleMs { entries = try await claim(stream, consumer: consumer, idleMs: claimIdleMs) }
        if entries.isEmpty { entries = try await read(stream, consumer: consumer, id: ">") }
        guard !entries.isEmpty else { return DrainResult() }
        var result = DrainResult()
        var costs: [LedgerEntry.Cost] = [], alerts: [LedgerEntry.Alert] = []
        for (_, entry) in entries {
            switch entry {
            case .cost(let cost): costs.append(cost)
            case .alert(let alert): alerts.append(alert)
            case .unreadable: result.unreadable += 1
            }
        }
        if !costs.isEmpty || !alerts.isEmpty {
            do {
                let inserted = try await insert(costs: costs, alerts: alerts)
                result.costsInserted = inserted.costs
                result.alerts = inserted.alerts
            } catch where !error.isUnavailable {
                // PostgreSQL refused the batch as data: one entry is poison. Insert one by one so the
                // rest is stored; the poison goes to the dead-letter list, never retried forever
                // (it would hold up this service's ledger and any rebuild behind it).
                for cost in costs {
                    do {
                        result.costsInserted += try await insert(costs: [cost], alerts: []).costs
                    } catch where !error.isUnavailable {
                        try await deadLetter(service, "cost \(cost.eventID) \(cost.costMicros) micros: \(error.detail)")
                        result.deadLettered += 1
                    }
                }
                for alert in alerts {
                    do {
                        result.alerts += try await insert(costs: [], alerts: [alert]).alerts
                    } catch where !error.isUnavailable {
                        try await deadLetter(service, "alert \(alert.key): \(error.detail)")
                        result.deadLettered += 1
                    }
                }
            }
        }
        let ids = entries.map(\.id)
        do {
            let replies = try await redis.pipeline([RedisCommand("XACK", arguments: [stream, Self.group] + ids),
                                                    RedisCommand("XDEL", arguments: [stream] + ids)])
            for reply in replies { _ = try reply.throwingServerError() }
        } catch {
            // Committed but not acknowledged: the entries are read again and inserted as no-ops.
            throw CoordinationError(redis: error, operation: "acknowledge the ledger outbox of \(service)")
        }
        result.acknowledged = ids.count
        return result
    }

    private func deadLetter(_ service: String, _ text: String) async throws(CoordinationError) {
        do {
            _ = try await redis.send("RPUSH", keys.service(service).ledgerDeadLetter, text).throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "dead-letter a ledger entry")
        }
    }

    /// `XREADGROUP` from `id` (`0`: this consumer's pending entries; `>`: new ones). Creates the
    /// group when it is missing (first start, or Redis lost its data).
    private func read(_ stream: String, consumer: String, id: String) async throws(CoordinationError) -> [(id: String, entry: LedgerEntry)] {
        let reply: RedisReply
        do {
            reply = try await redis.send("XREADGROUP", arguments: ["GROUP", Self.group, consumer, "COUNT", String(Self.batchSize),
                                                                   "STREAMS", stream, id])
            if reply.errorMessage?.hasPrefix("NOGROUP") == true {
                try await createGroup(stream)
                return []
            }
            _ = try reply.throwingServerError()
        } catch let error as CoordinationError {
            throw error
        } catch let error as RedisError {
            if error.serverErrorPrefix == "NOGROUP" {
                try await createGroup(stream)
                return []
            }
            throw CoordinationError(redis: error, operation: "read the ledger outbox")
        } catch {
            throw CoordinationError(.corruptState, operation: "read the ledger outbox", detail: String(describing: error))
        }
        guard !reply.isNull else { return [] }
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2, let list = first[1].array else {
            throw CoordinationError(.corruptState, operation: "read the ledger outbox", detail: reply.redactedDescription)
        }
        return Self.entries(list)
    }

    /// `XAUTOCLAIM`: entries another consumer read but did not acknowledge for `idleMs` (it died).
    private func claim(_ stream: String, consumer: String, idleMs: Int64) async throws(CoordinationError) -> [(id: String, entry: LedgerEntry)] {
        let reply: RedisReply
        do {
            reply = try await redis.send("XAUTOCLAIM", arguments: [stream, Self.group, consumer, String(idleMs), "0-0",
                                                                   "COUNT", String(Self.batchSize)])
            _ = try reply.throwingServerError()
        } catch {
            if error.serverErrorPrefix == "NOGROUP" { return [] }
            throw CoordinationError(redis: error, operation: "claim from the ledger outbox")
        }
        guard let parts = reply.array, parts.count >= 2, let list = parts[1].array else {
            throw CoordinationError(.corruptState, operation: "claim from the ledger outbox", detail: reply.redactedDescription)
        }
        return Self.entries(list)
    }

    private func createGroup(_ stream: String) async throws(CoordinationError) {
        do {
            // From the start of the stream: entries written before the group existed are drained too.
            let reply = try await redis.send("XGROUP", arguments: ["CREATE", stream, Self.group, "0", "MKSTREAM"])
            if let message = reply.errorMessage, !message.hasPrefix("BUSYGROUP") { _ = try reply.throwingServerError() }
        } catch where error.serverErrorPrefix == "BUSYGROUP" {
            return   // another node created it first
        } catch {
            throw CoordinationError(redis: error, operation: "create the ledger consumer group")
        }
    }

    /// `[[id, [field, value, ...]], ...]`; an entry deleted while pending comes back as `[id, nil]`:
    /// acknowledged as unreadable (its batch committed already; it was deleted after).
    static func entries(_ list: [RedisReply]) -> [(id: String, entry: LedgerEntry)] {
        list.compactMap { item in
            guard let pair = item.array, pair.count == 2, let id = pair[0].string else { return nil }
            guard let fields = pair[1].array else { return (id, .unreadable) }
            return (id, LedgerEntry(fields: fields.compactMap(\.string)))
        }
    }

    /// Both kinds in one statement (one transaction): costs (and the provider calls they paid for,
    /// into `upstream_calls`) ignored when their event id is in the table, alerts when their key is;
    /// the alerts stored now come back to be broadcast. A data-modifying CTE runs even unreferenced.
    static let insertSQL = """
    WITH costs AS (
        INSERT INTO cost_events (event_id, at, service, operation, kind, cost_micros, units, request_id, node_id, reservation_id)
        SELECT x.event_id, to_timestamp(x.at_ms / 1000.0), x.service, x.operation, 'actual', x.cost_micros, x.units,
               NULLIF(x.request_id, ''), NULLIF(x.node_id, ''), NULLIF(x.reservation_id, '')
          FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, at_ms bigint, service text, operation text,
               cost_micros bigint, units int, request_id text, node_id text, reservation_id text)
        ON CONFLICT (event_id) DO NOTHING
        RETURNING 1
    ), calls AS (
        INSERT INTO upstream_calls (event_id, service, operation, status, outcome, latency_ms, items, attempts, cost_micros,
                                    node_id, request_id, error, called_at)
        SELECT x.event_id, x.service, x.operation, x.status, x.outcome, x.latency_ms, x.items, x.attempts, x.cost_micros,
               x.node_id, x.request_id, NULLIF(x.error, ''), to_timestamp(x.at_ms / 1000.0)
          FROM jsonb_to_recordset($3::jsonb) AS x(event_id text, service text, operation text, status int, outcome text,
               latency_ms int, items int, attempts int, cost_micros bigint, node_id text, request_id text, error text, at_ms bigint)
        ON CONFLICT (event_id) DO NOTHING
        RETURNING 1
    ), alerts AS (
        INSERT INTO budget_alerts (service, level, message, utilization, spent_micros, limit_micros, actor, period, alert_key, created_at)
        SELECT x.service, x.level, x.message, x.spent_micros::double precision / NULLIF(x.limit_micros, 0),
               x.spent_micros, x.limit_micros, 'system', x.period, x.alert_key, to_timestamp(x.at_ms / 1000.0)
          FROM jsonb_to_recordset($2::jsonb) AS x(service text, level text, message text, spent_micros bigint,
               limit_micros bigint, period text, alert_key text, at_ms bigint)
        ON CONFLICT (service, alert_key) DO NOTHING
        RETURNING id, service, level, period, message, utilization, spent_micros, limit_micros, created_at
    )
    SELECT 'cost', count(*), NULL::text, NULL::text, NULL::text, NULL::double precision, NULL::bigint, NULL::bigint,
           NULL::timestamptz, NULL::text FROM costs
    UNION ALL
    SELECT 'alert', id, service, level, period, utilization, spent_micros, limit_micros, created_at, message FROM alerts
    """

    private func insert(costs: [LedgerEntry.Cost], alerts: [LedgerEntry.Alert]) async throws(CoordinationError)
        -> (costs: Int, alerts: [BudgetAlertRecord]) {
        var costJSON: [UInt8] = [UInt8(ascii: "[")]
        for (index, cost) in costs.enumerated() {
            if index > 0 { costJSON.append(UInt8(ascii: ",")) }
            Self.object(&costJSON, strings: [("event_id", cost.eventID), ("service", cost.service), ("operation", cost.operation),
                                             ("request_id", cost.requestID), ("node_id", cost.nodeID),
                                             ("reservation_id", cost.reservationID)],
                        integers: [("at_ms", cost.atMs), ("cost_micros", cost.costMicros), ("units", cost.units)])
        }
        costJSON.append(UInt8(ascii: "]"))
        var callJSON: [UInt8] = [UInt8(ascii: "[")]
        for cost in costs {
            guard let call = cost.call else { continue }
            if callJSON.count > 1 { callJSON.append(UInt8(ascii: ",")) }
            Self.object(&callJSON, strings: [("event_id", cost.eventID), ("service", cost.service), ("operation", cost.operation),
                                             ("outcome", call.outcome), ("node_id", cost.nodeID), ("request_id", cost.requestID),
                                             ("error", call.error ?? "")],
                        integers: [("status", Int64(call.status)), ("latency_ms", Int64(call.latencyMs)), ("items", Int64(call.items)),
                                   ("attempts", Int64(call.attempts)), ("cost_micros", cost.costMicros), ("at_ms", cost.atMs)])
        }
        callJSON.append(UInt8(ascii: "]"))
        var alertJSON: [UInt8] = [UInt8(ascii: "[")]
        for (index, alert) in alerts.enumerated() {
            if index > 0 { alertJSON.append(UInt8(ascii: ",")) }
            Self.object(&alertJSON, strings: [("service", alert.service), ("level", alert.level), ("period", alert.period),
                                              ("alert_key", alert.key), ("message", Self.message(alert))],
                        integers: [("spent_micros", alert.spentMicros), ("limit_micros", alert.limitMicros), ("at_ms", alert.atMs)])
        }
        alertJSON.append(UInt8(ascii: "]"))
        let rows: PostgresRows
        do {
            rows = try await postgres.query(Self.insertSQL, [.jsonb(costJSON), .jsonb(alertJSON), .jsonb(callJSON)])
        } catch {
            throw CoordinationError(postgres: error, operation: "insert the ledger batch")
        }
        var inserted = 0
        var stored: [BudgetAlertRecord] = []
        do {
            for row in rows {
                if try row.decode(at: 0, as: String.self) == "cost" {
                    inserted = Int(try row.decode(at: 1, as: Int64.self))
                    continue
                }
                stored.append(BudgetAlertRecord(
                    id: try row.decode(at: 1, as: Int64.self), service: try row.decode(at: 2, as: String.self),
                    level: try row.decode(at: 3, as: String.self), period: try row.decode(at: 4, as: String.self),
                    message: try row.decode(at: 9, as: String.self),
                    utilization: try row.decode(at: 5, as: Double?.self), spentMicros: try row.decode(at: 6, as: Int64?.self),
                    limitMicros: try row.decode(at: 7, as: Int64?.self), actor: "system", createdAt: try row.decode(at: 8, as: Date.self)))
            }
        } catch {
            throw CoordinationError(.corruptState, operation: "read the ledger batch result", detail: String(describing: error))
        }
        return (inserted, stored)
    }

    /// "stripe: daily spend reached critical (85%): $1.7000 of $2.0000".
    static func message(_ alert: LedgerEntry.Alert) -> String {
        let percent = alert.limitMicros > 0 ? alert.spentMicros * 100 / alert.limitMicros : 100
        let period = alert.period == "day" ? "daily" : "monthly"
        return "\(alert.service): \(period) spend reached \(alert.level) (\(percent)%): \(Money.dollars(alert.spentMicros)) of \(Money.dollars(alert.limitMicros))"
    }

    static func object(_ out: inout [UInt8], strings: [(String, String)], integers: [(String, Int64)]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in strings {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONBytes.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONBytes.appendString(value, to: &out)
        }
        for (name, value) in integers {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONBytes.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONBytes.appendInteger(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension CostLedger {
    /// Stores a manual alert (`POST /budget-alert`): never de-duplicated (no key).
    public func recordAlert(service: String, level: String, message: String, actor: String, nodeID: String, requestID: String)
        async throws(CoordinationError) -> BudgetAlertRecord {
        let rows: PostgresRows
        do {
            rows = try await postgres.query("""
                INSERT INTO budget_alerts (service, level, message, actor, node_id, request_id)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at
                """, [.text(service), .text(level), .text(message), .text(actor), .text(nodeID), .text(requestID)])
        } catch {
            throw CoordinationError(postgres: error, operation: "store a budget alert")
        }
        do {
            guard let row = rows.first else { throw CoordinationError(.corruptState, operation: "store a budget alert", detail: "no row") }
            return BudgetAlertRecord(id: try row.decode(at: 0, as: Int64.self), service: service, level: level, period: nil,
                                     message: message, utilization: nil, spentMicros: nil, limitMicros: nil, actor: actor,
                                     createdAt: try row.decode(at: 1, as: Date.self))
        } catch let error as CoordinationError {
            throw error
        } catch {
            throw CoordinationError(.corruptState, operation: "store a budget alert", detail: String(describing: error))
        }
    }
}
