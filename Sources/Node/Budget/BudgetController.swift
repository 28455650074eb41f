import Coordination
import Foundation
import HTTP

/// PUT /api/v1/external-services/:service/budget (admin): `{monthlyBudgetMicros?, dailyLimitMicros?}`,
/// at least one; saved with an audit row, applied for the whole cluster at once.
struct BudgetController: Sendable {
    let budgets: ServiceBudgetsStore
    let catalog: ServiceCatalog
    let nodeID: String

    /// $10,000,000: a bound on input.
    static let maxBudgetMicros: Int64 = 10_000_000_000_000

    struct BudgetValues: Encodable {
        var monthlyBudgetMicros: Int64
        var dailyLimitMicros: Int64
        init(_ budget: ServiceBudgetsStore.Budget) {
            monthlyBudgetMicros = budget.monthlyBudgetMicros
            dailyLimitMicros = budget.dailyLimitMicros
        }
    }

    struct Response: Encodable {
        var service: String
        var budget: BudgetValues
        var previous: BudgetValues
    }

    func update(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let claims = try context.require(.admin)
        let service = try context.parameter("service")
        guard let definition = catalog[service] else { throw BudgetFeature.unknownService(service, catalog, field: nil) }
        let body = try JSONFields(request)
        let monthly = try Self.amount(body, "monthlyBudgetMicros")
        let daily = try Self.amount(body, "dailyLimitMicros")
        guard monthly != nil || daily != nil else {
            throw HTTPError.badRequest("Give at least one of monthlyBudgetMicros, dailyLimitMicros.", code: "missing_field")
        }
        let (old, new) = try await budgets.update(ServiceBudgetsStore.Change(
            service: service, monthlyBudgetMicros: monthly, dailyLimitMicros: daily,
            defaults: ServiceBudgetsStore.Budget(monthlyBudgetMicros: definition.monthlyBudgetMicros,
                                                 dailyLimitMicros: definition.dailyLimitMicros),
            actor: claims.subject, actorRole: claims.role.rawValue, nodeID: nodeID, requestID: context.requestID))
        return try HTTPResponse.json(Response(service: service, budget: BudgetValues(new), previous: BudgetValues(old)))
    }

    static func amount(_ body: JSONFields, _ name: String) throws(HTTPError) -> Int64? {
        guard let value = try body.integer(name) else { return nil }
        guard (0...maxBudgetMicros).contains(value) else {
            throw HTTPError.badRequest("\(name) must be 0 to \(maxBudgetMicros) micro-dollars.", code: "invalid_field", field: name)
        }
        return value
    }
}
