import Coordination
import Foundation
import HTTP
import Logging

/// `GET /api/v1/external-services/:service/health` (user): the service's circuit and, over the
/// last 5 minutes cluster-wide, latency p50/p95/p99, error rate, calls, the last error, and calls per
/// second for the last minute (the dashboard's sparkline).
struct HealthController: Sendable {
    let breakers: CircuitBreakerStore
    let catalog: ServiceCatalog

    func show(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let service = try context.parameter("service")
        guard catalog[service] != nil else { throw BudgetFeature.unknownService(service, catalog, field: nil) }
        let health = try await breakers.health(service: service)
        return HTTPResponse.json(encoded: Self.encode(service: service, health))
    }

    static func encode(service: String, _ health: ServiceHealth) -> [UInt8] {
        var fields: [String: JSONValue] = [
            "service": .string(service),
            "circuit": .string(health.circuit.rawValue),
            "errorRate": .number((health.errorRate * 10_000).rounded() / 10_000),
            "calls": .integer(Int64(health.calls)),
            "checkedAt": .string(ISO8601.string(ms: health.checkedAtMs)),
            "callsPerSecond": .array(health.callsPerSecond.map { .integer(Int64($0)) }),
        ]
        fields["p50Ms"] = health.p50Ms.map { .integer(Int64($0)) } ?? .null
        fields["p95Ms"] = health.p95Ms.map { .integer(Int64($0)) } ?? .null
        fields["p99Ms"] = health.p99Ms.map { .integer(Int64($0)) } ?? .null
        fields["lastError"] = health.lastError.map { .string($0) } ?? .null
        fields["lastErrorAt"] = health.lastErrorAtMs.map { .string(ISO8601.string(ms: $0)) } ?? .null
        return JSONValue.object(fields).jsonBytes
    }
}

/// RFC 3339 instants in UTC, as the rest of the API writes them.
enum ISO8601 {
    static func string(ms: Int64) -> String { Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601) }
}
