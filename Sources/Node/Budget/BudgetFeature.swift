import Coordination
import Foundation
import HTTP
import Logging

/// Budgets per service (integer micro-dollars per UTC day and month) with reservations, and the cost
/// ledger. `check-rate-limit` with `costMicros` reserves (the rate-limit feature calls the same
/// script); `POST /spend` settles; unsettled reservations expire. Every settled cost goes through a
/// Redis outbox to PostgreSQL `cost_events` (drained by every node, idempotent by event id). After
/// Redis lost the counters, they are rebuilt from the ledger before any budget decision (503 until
/// then). Budget alerts (one per service, level and period) are stored in `budget_alerts` and
/// broadcast to `cost_monitoring`.
struct BudgetFeature: NodeFeature {
    let name = "budget"
    let budgets: BudgetStore
    let serviceBudgets: ServiceBudgetsStore
    let serviceLimits: ServiceLimitsStore
    let ledger: CostLedger
    let catalog: ServiceCatalog
    let metrics: MetricsRegistry
    let nodeID: String
    let claimIdleMs: Int64
    let alerts: BudgetAlerts
    let notReadySince = NotReadySince()
    /// A failing service's drain, logged once per reason while the others go on.
    let drainFailures: FailureLog
    let outlook: @Sendable (Date) async -> [String: CostMonitoringController.ServiceOutlook]?

    static let outboxDepth = "coordinator_ledger_outbox_depth"
    static let outboxAge = "coordinator_ledger_outbox_age_seconds"
    static let ledgerInserted = "coordinator_ledger_costs_inserted_total"
    static let ledgerUnreadable = "coordinator_ledger_unreadable_entries_total"
    static let ledgerDeadLettered = "coordinator_ledger_dead_lettered_total"
    static let spent = "coordinator_budget_spent_micros"
    static let reserved = "coordinator_budget_reserved_micros"
    static let reservationsLive = "coordinator_budget_reservations"
    static let reservationsExpired = "coordinator_budget_reservations_expired"
    static let utilization = "coordinator_budget_utilization"
    static let rebuilt = "coordinator_budget_rebuilds_total"

    init(_ services: NodeServices, alerts room: RealtimeHub,
         outlook: @escaping @Sendable (Date) async -> [String: CostMonitoringController.ServiceOutlook]? = { _ in nil }) {
        budgets = BudgetStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
        serviceBudgets = ServiceBudgetsStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
        serviceLimits = ServiceLimitsStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
        ledger = CostLedger(redis: services.redis, postgres: services.postgres, keys: services.keys)
        catalog = services.configuration.catalog
        metrics = services.metrics
        nodeID = services.configuration.nodeID
        claimIdleMs = Int64(services.configuration.ledgerClaimIdleMs)
        alerts = BudgetAlerts(hub: room, failures: services.failureLog("budget.alerts"))
        drainFailures = services.failureLog("budget.ledger_drain")
        self.outlook = outlook
    }

    /// Projection and anomaly per catalog service from the ledger (`CostHistoryStore`, one statement);
    /// nil when PostgreSQL cannot answer (cost-monitoring then serves Redis's figures without them).
    static func ledgerOutlook(_ services: NodeServices)
        -> @Sendable (Date) async -> [String: CostMonitoringController.ServiceOutlook]? {
        let history = CostHistoryStore(postgres: services.postgres)
        let names = services.configuration.catalog.names
        let failures = services.failureLog("budget.outlook")
        return { now in
            do throws(CoordinationError) {
                let outlooks = try await history.outlook(now: now)
                failures.succeeded()
                var result: [String: CostMonitoringController.ServiceOutlook] = [:]
                for name in names {
                    let outlook = outlooks[name] ?? .quiet(service: name, now: now)
                    result[name] = .init(projectedMonthMicros: outlook.projectedMonthMicros, anomaly: outlook.anomaly,
                                         anomalyReason: outlook.anomalyReason)
                }
                return result
            } catch {
                failures.failed(error.reason, detail: error.description)
                return nil
            }
        }
    }

    var duties: [Duty] {
        [
            Duty("budget.ledger_drain", .continuous) { [self] in try await drainForever() },
            // Every second: a budget answers 503 from the moment Redis lost it until this ran.
            Duty("budget.rebuild", .periodic(.seconds(1))) { [self] in try await rebuild() },
            Duty("budget.refresh", .periodic(.seconds(2))) { [self] in try await refresh() },
            Duty("budget.restore_budgets", .periodic(.seconds(10))) { [serviceBudgets] in try await serviceBudgets.restore() },
        ]
    }

    /// Drains every service's outbox in turn; sleeps briefly only when a whole round found nothing,
    /// so a backlog (PostgreSQL back after minutes) goes at full batch speed.
    private func drainForever() async throws {
        var round = 0
        while !Task.isCancelled {
            var moved = 0
            round += 1
            // A dead node's entries are looked for about every 2 s (they wait claimIdleMs anyway).
            let claim = round % 10 == 1 ? claimIdleMs : nil
            var failure: CoordinationError?
            for service in catalog.names {
                // One service failing (a dependency hiccup) must not starve the others of draining.
                let result: CostLedger.DrainResult
                do {
                    result = try await ledger.drain(service, consumer: nodeID, claimIdleMs: claim)
                } catch {
                    failure = error
                    continue
                }
                moved += result.acknowledged
                if result.costsInserted > 0 { metrics.increment(Self.ledgerInserted, [("service", service)], by: Double(result.costsInserted)) }
                if result.deadLettered > 0 {
                    metrics.increment(Self.ledgerDeadLettered, [("service", service)], by: Double(result.deadLettered))
                }
                if result.unreadable > 0 { metrics.increment(Self.ledgerUnreadable, [("service", service)], by: Double(result.unreadable)) }
                for alert in result.alerts { await alerts.publish(alert) }
            }
            if let failure {
                drainFailures.failed(failure.reason, detail: failure.description)
            } else {
                drainFailures.succeeded()
            }
            if moved == 0 { try await Task.sleep(for: failure == nil ? .milliseconds(200) : .seconds(1)) }
        }
    }

    private func rebuild() async throws {
        var restored = false
        for service in catalog.names {
            let state = try await budgets.snapshot(service, dailyLimitMicros: 0, monthlyBudgetMicros: 0, raiseAlerts: false)
            guard state.figures == nil else {
                notReadySince.clear(service)
                continue
            }
            // Longer than a drain batch takes from its read to its commit (PostgreSQL up).
            guard notReadySince.elapsed(service, grace: .seconds(2)) else { continue }
            if !restored {
                // Redis lost its data: the admins' budgets and limits go back first, so the first
                // decision after the rebuild is taken against them, not the catalog's defaults.
                try await serviceBudgets.restore()
                try await serviceLimits.restore()
                restored = true
            }
            if case .rebuilt = try await budgets.rebuildIfNeeded(service) {
                metrics.increment(Self.rebuilt, [("service", service)])
            }
        }
    }

    /// Gauges from each service's budget (which also releases expired reservations on a quiet service).
    private func refresh() async throws {
        for definition in catalog.names.compactMap({ catalog[$0] }) {
            let snapshot = try await budgets.snapshot(definition.name, dailyLimitMicros: definition.dailyLimitMicros,
                                                      monthlyBudgetMicros: definition.monthlyBudgetMicros)
            let labels = [("service", definition.name)]
            metrics.set(Self.outboxDepth, labels, to: Double(snapshot.outboxLength))
            let age = snapshot.oldestOutboxEntryMs.map { max(0, Double(snapshot.atMs - $0) / 1000) } ?? 0
            metrics.set(Self.outboxAge, labels, to: age)
            guard let figures = snapshot.figures else { continue }
            metrics.set(Self.spent, labels + [("period", "day")], to: Double(figures.spentTodayMicros))
            metrics.set(Self.spent, labels + [("period", "month")], to: Double(figures.spentMonthMicros))
            metrics.set(Self.reserved, labels, to: Double(figures.reservedMicros))
            metrics.set(Self.reservationsLive, labels, to: Double(snapshot.liveReservations))
            metrics.set(Self.reservationsExpired, labels, to: Double(snapshot.expiredReservations))
            metrics.set(Self.utilization, labels, to: figures.utilization)
        }
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let spend = SpendController(budgets: budgets, catalog: catalog, nodeID: nodeID, metrics: metrics)
        routes.api.post("/external-services/spend") { request, context in try await spend.spend(request, context) }
        let admin = BudgetController(budgets: serviceBudgets, catalog: catalog, nodeID: nodeID)
        routes.api.put("/external-services/:service/budget") { request, context in try await admin.update(request, context) }
        let monitoring = CostMonitoringController(budgets: budgets, ledger: ledger, catalog: catalog, nodeID: nodeID,
                                                  alerts: alerts, outlook: outlook)
        routes.api.get("/external-services/cost-monitoring") { _, context in try await monitoring.show(context) }
        routes.api.post("/external-services/budget-alert") { request, context in try await monitoring.record(request, context) }
    }

    func describeMetrics(in metrics: MetricsRegistry) {
        metrics.describe(Self.outboxDepth, .gauge, help: "Costs and alerts in the Redis ledger outbox, not yet in PostgreSQL, by service.")
        metrics.describe(Self.outboxAge, .gauge, help: "Age of the oldest ledger outbox entry in seconds (0: empty), by service.")
        metrics.describe(Self.ledgerInserted, .counter, help: "Cost rows this node inserted into cost_events, by service.")
        metrics.describe(Self.ledgerDeadLettered, .counter,
                         help: "Ledger entries PostgreSQL refused as data (not an outage), moved to the service's dead-letter list.")
        metrics.describe(Self.ledgerUnreadable, .counter, help: "Ledger outbox entries this node could not read (acknowledged, skipped).")
        metrics.describe(Self.spent, .gauge, help: "Micro-dollars spent in the current UTC day or month, by service and period.")
        metrics.describe(Self.reserved, .gauge, help: "Micro-dollars reserved by calls in flight, by service.")
        metrics.describe(Self.reservationsLive, .gauge, help: "Live budget reservations, by service.")
        metrics.describe(Self.reservationsExpired, .gauge, help: "Reservations released unsettled (expired), by service.")
        metrics.describe(Self.utilization, .gauge, help: "Committed spend over the tighter budget (0..1), by service.")
        metrics.describe(Self.rebuilt, .counter, help: "Budget counters this node rebuilt from the ledger after Redis lost them.")
        metrics.describe(SpendController.recorded, .counter, help: "Costs recorded through POST /spend, by service and outcome.")
    }

    // Input rules shared by the budget's controllers and the rate-limit check.

    static func unknownService(_ service: String, _ catalog: ServiceCatalog, field: String?) -> HTTPError {
        HTTPError(status: 404, code: "unknown_service",
                  message: "Unknown service '\(service)'; services are \(catalog.names.joined(separator: ", ")).", field: field)
    }

    /// `costMicros`: an integer 0...$1,000,000 in micro-dollars.
    static func costMicros(_ body: JSONFields, required: Bool) throws(HTTPError) -> Int64? {
        guard let cost = try body.integer("costMicros") else {
            if required { throw HTTPError.badRequest("costMicros is required.", code: "missing_field", field: "costMicros") }
            return nil
        }
        guard (0...BudgetStore.maxCostMicros).contains(cost) else {
            throw HTTPError.badRequest("costMicros must be an integer from 0 to \(BudgetStore.maxCostMicros) micro-dollars.",
                                       code: "invalid_field", field: "costMicros")
        }
        return cost
    }

    /// PostgreSQL text cannot hold NUL (jsonb refuses `\u0000`, which would jam a whole ledger
    /// batch), and control characters have no business in an operation name: refused at the door.
    static func hasControlCharacters(_ text: String, allowingNewlines: Bool = false) -> Bool {
        text.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && !(allowingNewlines && (scalar == "\n" || scalar == "\t"))) || scalar.value == 0x7F
        }
    }

    /// Idempotency keys become part of a Redis key: a plain alphabet, no braces, bounded.
    static func isIdempotencyKey(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
    }

    /// Reservation ids are lowercase UUIDs minted by a node: anything else cannot name one (and
    /// cannot reach into the key layout).
    static func isReservationID(_ text: String) -> Bool {
        text.utf8.count == 36 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }
    }
}
