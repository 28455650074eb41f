import Coordination
import Foundation
import HTTP

/// GET /api/v1/external-services/cost-monitoring (manager): per service the budget now (Redis) with
/// the month-end projection and the anomaly flag (PostgreSQL's ledger), and totals.
/// POST /api/v1/external-services/budget-alert (manager): a manual alert, stored and broadcast.
struct CostMonitoringController: Sendable {
    let budgets: BudgetStore
    let ledger: CostLedger
    let catalog: ServiceCatalog
    let nodeID: String
    let alerts: BudgetAlerts
    /// Projection and anomaly per service from the ledger; nil when PostgreSQL cannot answer (the
    /// figures from Redis are still served, the outlook fields say so).
    let outlook: @Sendable (Date) async -> [String: ServiceOutlook]?

    struct ServiceOutlook: Sendable {
        var projectedMonthMicros: Int64
        var anomaly: Bool
        var anomalyReason: String?
    }

    struct ServiceJSON: Encodable {
        var service: String
        var spentTodayMicros: Int64
        var dailyLimitMicros: Int64
        var spentMonthMicros: Int64
        var monthlyBudgetMicros: Int64
        var reservedMicros: Int64
        var utilization: Double
        var level: String
        var projectedMonthMicros: Int64?
        var anomaly: Bool
        var anomalyReason: String?
        var liveReservations: Int
        var expiredReservations: Int64
        var outboxLength: Int
    }

    struct Totals: Encodable {
        var spentTodayMicros: Int64 = 0
        var spentMonthMicros: Int64 = 0
        var dailyLimitMicros: Int64 = 0
        var monthlyBudgetMicros: Int64 = 0
        var reservedMicros: Int64 = 0
        var projectedMonthMicros: Int64 = 0
    }

    struct Response: Encodable {
        var at: String
        var services: [ServiceJSON]
        var totals: Totals
        /// False when the ledger could not be read (projection and anomaly are then missing).
        var outlookAvailable: Bool
    }

    func show(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.manager)
        let definitions = catalog.names.compactMap { catalog[$0] }
        async let outlooks = outlook(Date())
        let snapshots = try await withThrowingTaskGroup(of: BudgetSnapshot.self) { group in
            for definition in definitions {
                group.addTask { [budgets] in
                    try await budgets.snapshot(definition.name, dailyLimitMicros: definition.dailyLimitMicros,
                                               monthlyBudgetMicros: definition.monthlyBudgetMicros)
                }
            }
            var all: [String: BudgetSnapshot] = [:]
            for try await snapshot in group { all[snapshot.service] = snapshot }
            return all
        }
        let projected = await outlooks
        var services: [ServiceJSON] = []
        var totals = Totals()
        for definition in definitions {
            guard let snapshot = snapshots[definition.name], let figures = snapshot.figures else {
                throw CoordinationError(.budgetRebuilding, operation: "cost monitoring", detail: "\(definition.name) is being rebuilt")
            }
            let outlook = projected?[definition.name]
            services.append(ServiceJSON(
                service: definition.name, spentTodayMicros: figures.spentTodayMicros, dailyLimitMicros: figures.dailyLimitMicros,
                spentMonthMicros: figures.spentMonthMicros, monthlyBudgetMicros: figures.monthlyBudgetMicros,
                reservedMicros: figures.reservedMicros, utilization: figures.utilization, level: figures.level.name,
                projectedMonthMicros: outlook?.projectedMonthMicros, anomaly: outlook?.anomaly ?? false,
                anomalyReason: outlook?.anomalyReason, liveReservations: snapshot.liveReservations,
                expiredReservations: snapshot.expiredReservations, outboxLength: snapshot.outboxLength))
            totals.spentTodayMicros += figures.spentTodayMicros
            totals.spentMonthMicros += figures.spentMonthMicros
            totals.dailyLimitMicros += figures.dailyLimitMicros
            totals.monthlyBudgetMicros += figures.monthlyBudgetMicros
            totals.reservedMicros += figures.reservedMicros
            totals.projectedMonthMicros += outlook?.projectedMonthMicros ?? figures.spentMonthMicros
        }
        return try HTTPResponse.json(Response(at: Date().formatted(.iso8601), services: services, totals: totals,
                                              outlookAvailable: projected != nil))
    }

    struct AlertResponse: Encodable {
        var id: Int64
        var service: String
        var level: String
        var message: String
        var createdAt: String
    }

    func record(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let claims = try context.require(.manager)
        let body = try JSONFields(request)
        let service = try body.requiredString("service")
        guard catalog[service] != nil else { throw BudgetFeature.unknownService(service, catalog, field: "service") }
        let level = try body.requiredString("level")
        guard BudgetLevel(name: level) != nil else {
            throw HTTPError.badRequest("level must be one of ok, warning, critical, throttled, emergency, blocked.",
                                       code: "invalid_field", field: "level")
        }
        let message = try body.requiredString("message")
        guard (1...1_000).contains(message.count), !BudgetFeature.hasControlCharacters(message, allowingNewlines: true) else {
            throw HTTPError.badRequest("message must be 1 to 1000 characters without control characters.", code: "invalid_field",
                                       field: "message")
        }
        let alert = try await ledger.recordAlert(service: service, level: level, message: message, actor: claims.subject,
                                                 nodeID: nodeID, requestID: context.requestID)
        await alerts.publish(alert)
        return try HTTPResponse.json(AlertResponse(id: alert.id, service: service, level: level, message: message,
                                                   createdAt: alert.createdAt.formatted(.iso8601)), status: 201)
    }
}
