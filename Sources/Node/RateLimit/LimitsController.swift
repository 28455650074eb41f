import Coordination
import Foundation
import HTTP

/// PUT /api/v1/external-services/:service/limits (admin): `{burstPerSecond?, sustainedPerMinute?,
/// mode?}`, at least one; the others keep their current values.
struct LimitsController: Sendable {
    let limits: ServiceLimitsStore
    let catalog: ServiceCatalog
    let nodeID: String

    /// Largest limit accepted (a bound on input; far above any provider's).
    static let maxLimit = 1_000_000

    struct LimitsJSON: Encodable {
        var burstPerSecond: Int
        var sustainedPerMinute: Int
        var mode: String
        init(_ limits: ServiceLimits) {
            burstPerSecond = limits.burstPerSecond
            sustainedPerMinute = limits.sustainedPerMinute
            mode = limits.mode.rawValue
        }
    }

    struct UpdateResponse: Encodable {
        var service: String
        var limits: LimitsJSON
        var previous: LimitsJSON
    }

    func update(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let claims = try context.require(.admin)
        let service = try context.parameter("service")
        guard let definition = catalog[service] else {
            throw HTTPError(status: 404, code: "unknown_service",
                            message: "Unknown service '\(service)'; services are \(catalog.names.joined(separator: ", ")).")
        }
        let body = try JSONFields(request)
        let burst = try Self.limit(body, "burstPerSecond")
        let sustained = try Self.limit(body, "sustainedPerMinute")
        var mode: RateLimitMode?
        if let text = try body.string("mode") {
            guard let parsed = RateLimitMode(rawValue: text) else {
                throw HTTPError.badRequest("mode must be enforce or shadow.", code: "invalid_field", field: "mode")
            }
            mode = parsed
        }
        guard burst != nil || sustained != nil || mode != nil else {
            throw HTTPError.badRequest("Give at least one of burstPerSecond, sustainedPerMinute, mode.", code: "missing_field")
        }
        let change = ServiceLimitsStore.Change(
            service: service, burstPerSecond: burst, sustainedPerMinute: sustained, mode: mode,
            defaults: ServiceLimits(definition), actor: claims.subject, actorRole: claims.role.rawValue, nodeID: nodeID,
            requestID: context.requestID)
        let (old, new) = try await limits.update(change)
        return try HTTPResponse.json(UpdateResponse(service: service, limits: LimitsJSON(new), previous: LimitsJSON(old)))
    }

    static func limit(_ body: JSONFields, _ name: String) throws(HTTPError) -> Int? {
        guard let value = try body.integer(name) else { return nil }
        guard (1...Int64(maxLimit)).contains(value) else {
            throw HTTPError.badRequest("\(name) must be 1 to \(maxLimit).", code: "invalid_field", field: name)
        }
        return Int(value)
    }
}
