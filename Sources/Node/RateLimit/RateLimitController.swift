import Coordination
import Foundation
import HTTP

/// Parses, authorizes and answers the rate-limit routes; the decision is the store's.
struct RateLimitController: Sendable {
    let store: RateLimitStore
    let catalog: ServiceCatalog
    let metrics: MetricsRegistry
    let alerts: RateLimitAlerts

    static let decisions = "coordinator_rate_limit_decisions_total"

    /// The contract's priorities (budgets use them to decide who passes near a limit).
    static let priorities: Set<String> = ["low", "medium", "high", "critical"]

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
        if let priority = try body.string("priority"), !Self.priorities.contains(priority) {
            throw HTTPError.badRequest("priority must be low, medium, high or critical.", code: "invalid_field", field: "priority")
        }
        if try body.integer("costMicros") != nil {
            // Budget reservations come with the budgets of the cost-protection work; accepting the
            // field and ignoring it would let a caller believe its cost was reserved.
            throw HTTPError.badRequest("costMicros is not supported yet: budgets are not enforced by this version.",
                                       code: "not_supported", field: "costMicros")
        }
        let decision = try await store.decide(policy, units: Int(units), consume: try body.bool("consume") ?? true)
        record(decision, service: policy.service)
        await alerts.publish(decision, service: policy.service)
        return HTTPResponse.json(encoded: RateLimitJSON.check(decision, service: policy.service))
    }

    func show(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let policy = try policy(for: try context.parameter("service"), field: nil)
        let decision = try await store.decide(policy, units: 1, consume: false)
        return try HTTPResponse.json(StateResponse(service: policy.service, mode: decision.mode.rawValue,
                                                   at: decision.atMs, tiers: decision.tiers.map(TierJSON.init)))
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
    }

    struct CheckResponse: Encodable {
        var service: String
        var allowed: Bool
        var deniedBy: String?
        var retryAfterMs: Int64?
        var mode: String
        var at: Int64
        var tiers: [TierJSON]

        init(_ decision: RateLimitDecision, service: String) {
            self.service = service
            allowed = decision.allowed
            deniedBy = decision.deniedBy
            retryAfterMs = decision.retryAfterMs
            mode = decision.mode.rawValue
            at = decision.atMs
            tiers = decision.tiers.map(TierJSON.init)
        }
    }

    struct StateResponse: Encodable {
        var service: String
        var mode: String
        var at: Int64
        var tiers: [TierJSON]
    }
}
