import Coordination
import Foundation
import HTTP

/// POST /api/v1/external-services/spend (user): `{service, operation, costMicros, units?,
/// reservationId?}` records what a call actually cost (settling its reservation, if named) in the
/// budget counters and the ledger outbox at once -> `{eventId, outcome, ...}`.
struct SpendController: Sendable {
    let budgets: BudgetStore
    let catalog: ServiceCatalog
    let nodeID: String
    let metrics: MetricsRegistry

    static let recorded = "coordinator_budget_costs_recorded_total"

    struct Response: Encodable {
        var eventId: String
        var service: String
        var outcome: String
        var duplicate: Bool
        var at: Int64
        var budget: BudgetJSON
    }

    func spend(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let body = try JSONFields(request)
        let service = try body.requiredString("service")
        guard let definition = catalog[service] else { throw BudgetFeature.unknownService(service, catalog, field: "service") }
        let operation = try body.requiredString("operation")
        guard (1...128).contains(operation.utf8.count), !BudgetFeature.hasControlCharacters(operation) else {
            throw HTTPError.badRequest("operation must be 1 to 128 bytes without control characters.", code: "invalid_field",
                                       field: "operation")
        }
        let cost = try BudgetFeature.costMicros(body, required: true) ?? 0
        let units = try body.integer("units") ?? 1
        guard (1...1_000_000).contains(units) else {
            throw HTTPError.badRequest("units must be 1 to 1000000.", code: "invalid_field", field: "units")
        }
        let reservation = try body.string("reservationId")
        if let reservation, !BudgetFeature.isReservationID(reservation) {
            throw HTTPError.badRequest("reservationId is not one this cluster issued.", code: "invalid_field", field: "reservationId")
        }
        let idempotencyKey = try body.string("idempotencyKey")
        if let idempotencyKey, !BudgetFeature.isIdempotencyKey(idempotencyKey) {
            throw HTTPError.badRequest("idempotencyKey must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.",
                                       code: "invalid_field", field: "idempotencyKey")
        }
        let result = try await budgets.settle(Settlement(
            service: service, operation: operation, costMicros: cost, units: Int(units), reservationID: reservation,
            idempotencyKey: idempotencyKey,
            eventID: UUID().uuidString.lowercased(), requestID: context.requestID, nodeID: nodeID,
            defaultDailyLimitMicros: definition.dailyLimitMicros, defaultMonthlyBudgetMicros: definition.monthlyBudgetMicros))
        metrics.increment(Self.recorded, [("service", service), ("outcome", result.outcome.name)])
        return try HTTPResponse.json(Response(eventId: result.eventID, service: service, outcome: result.outcome.name,
                                              duplicate: result.outcome == .alreadySettled, at: result.atMs,
                                              budget: BudgetJSON(result.figures)))
    }
}
