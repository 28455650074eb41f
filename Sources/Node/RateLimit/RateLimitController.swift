import Coordination
import Foundation
import HTTP

/// Parses, authorizes and answers the rate-limit routes; the decision is the store's.
struct RateLimitController: Sendable {
    let store: RateLimitStore
    let catalog: ServiceCatalog
    let metrics: MetricsRegistry
    let alerts: RateLimitAlerts
    /// How long a budget reservation lives unsettled.
    let reservationLifetimeMs: Int64
    /// Reads the budget tiers for `GET /:service/rate-limit`.
    let budgets: BudgetStore

    static let decisions = "coordinator_rate_limit_decisions_total"
    static let budgetDecisions = "coordinator_budget_decisions_total"

    /// Largest `units` one call may weigh (no tier has a higher limit by default; a bound on input).
    static let maxUnits = 1_000_000

    func check(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let body = try JSONFields(request)
        let policy = try policy(for: try body.requiredString("service"), field: "service")
        let units = try body.integer("units") ?? 1
        guard (1...Int64(Self.maxUnits)).contains(units) else {
            throw HTTPError.badRequest("units must be 1 to \(Self.maxUnits).", code: "invalid_field", field: "units")
        }
        var priority = CallPriority.medium
        if let name = try body.string("priority") {
            guard let parsed = CallPriority(name: name) else {
                throw HTTPError.badRequest("priority must be low, medium, high or critical.", code: "invalid_field", field: "priority")
            }
            priority = parsed
        }
        var budget: BudgetRequest?
        if let cost = try BudgetFeature.costMicros(body, required: false), let definition = catalog[policy.service] {
            budget = BudgetRequest(costMicros: cost, priority: priority, reservationID: UUID().uuidString.lowercased(),
                                   lifetimeMs: reservationLifetimeMs, defaultDailyLimitMicros: definition.dailyLimitMicros,
                                   defaultMonthlyBudgetMicros: definition.monthlyBudgetMicros)
        }
        let decision = try await store.decide(policy, units: Int(units), consume: try body.bool("consume") ?? true, budget: budget)
        record(decision, service: policy.service)
        await alerts.publish(decision, service: policy.service)
        if decision.budget != nil {
            // With a cost the answer carries the budget too; not the hot path of plain limits.
            return try HTTPResponse.json(CheckResponse(decision, service: policy.service))
        }
        return HTTPResponse.json(encoded: RateLimitJSON.check(decision, service: policy.service))
    }

    func show(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let policy = try policy(for: try context.parameter("service"), field: nil)
        let decision = try await store.decide(policy, units: 1, consume: false)
        var tiers = decision.tiers.map(TierJSON.init)
        var budgetJSON: BudgetJSON?
        if let definition = catalog[policy.service] {
            // The budget as two more tiers; absent while the counters are being rebuilt.
            let snapshot = try await budgets.snapshot(policy.service, dailyLimitMicros: definition.dailyLimitMicros,
                                                      monthlyBudgetMicros: definition.monthlyBudgetMicros)
            if let figures = snapshot.figures {
                tiers += TierJSON.budget(figures)
                budgetJSON = BudgetJSON(figures)
            }
        }
        return try HTTPResponse.json(StateResponse(service: policy.service, mode: decision.mode.rawValue,
                                                   at: decision.atMs, tiers: tiers, budget: budgetJSON))
    }

    private func policy(for service: String, field: String?) throws(HTTPError) -> RateLimitPolicy {
        guard let definition = catalog[service] else {
            throw HTTPError(status: 404, code: "unknown_service",
                            message: "Unknown service '\(service)'; services are \(catalog.names.joined(separator: ", ")).",
                            field: field)
        }
        return RateLimitPolicy(definition)
    }

    private func record(_ decision: RateLimitDecision, service: String) {
        let outcome = decision.deniedBy == nil ? "allowed" : (decision.allowed ? "shadow_denied" : "denied")
        if let budget = decision.budget {
            let budgetOutcome = budget.refusal.map { refusal in
                switch refusal {
                case .dailyLimit: "daily_limit"
                case .monthlyBudget: "monthly_budget"
                case .level: "level_" + budget.figures.level.name
                }
            } ?? (budget.reservationID == nil ? "answered" : "reserved")
            metrics.increment(Self.budgetDecisions, [("service", service), ("outcome", budgetOutcome)])
        }
        metrics.increment(Self.decisions, [("service", service), ("outcome", outcome), ("tier", decision.deniedBy ?? "none")])
    }

    struct TierJSON: Encodable {
        var name: String
        var limit: Int
        var windowMs: Int64
        var used: Int
        var remaining: Int
        var resetMs: Int64

        init(_ state: RateLimitDecision.TierState) {
            name = state.tier.name
            limit = state.tier.limit
            windowMs = state.tier.windowMs
            used = state.used
            remaining = state.remaining
            resetMs = state.resetMs
        }

        init(name: String, limit: Int64, windowMs: Int64, used: Int64, resetMs: Int64) {
            self.name = name
            self.limit = Int(limit)
            self.windowMs = windowMs
            self.used = Int(used)
            remaining = Int(max(0, limit - used))
            self.resetMs = resetMs
        }

        /// `daily_budget` (window one day) and `monthly_budget` (window 0: the calendar month) in
        /// micro-dollars, committed = spent + reserved.
        static func budget(_ figures: BudgetFigures) -> [TierJSON] {
            figures.tiers.map { TierJSON(name: $0.name, limit: $0.limit, windowMs: $0.windowMs, used: $0.used, resetMs: $0.resetMs) }
        }
    }

    struct CheckResponse: Encodable {
        var service: String
        var allowed: Bool
        var deniedBy: String?
        var retryAfterMs: Int64?
        var mode: String
        var at: Int64
        var tiers: [TierJSON]
        var reservationId: String?
        var budget: BudgetJSON?

        init(_ decision: RateLimitDecision, service: String) {
            self.service = service
            allowed = decision.allowed
            deniedBy = decision.deniedBy
            retryAfterMs = decision.retryAfterMs
            mode = decision.mode.rawValue
            at = decision.atMs
            tiers = decision.tiers.map(TierJSON.init)
            if let budget = decision.budget {
                tiers += TierJSON.budget(budget.figures)
                reservationId = budget.reservationID
                self.budget = BudgetJSON(budget.figures)
            }
        }
    }

    struct StateResponse: Encodable {
        var service: String
        var mode: String
        var at: Int64
        var tiers: [TierJSON]
        var budget: BudgetJSON?
    }
}
