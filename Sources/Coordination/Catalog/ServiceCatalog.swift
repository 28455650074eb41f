import Foundation

/// The set of services the cluster knows, by name. Defaults come from the API contract's table; a JSON
/// file (`COORD_SERVICES_FILE`) may override fields of known services or add new ones.
public struct ServiceCatalog: Sendable, Equatable {
    public internal(set) var services: [String: ServiceDefinition]

    public init(_ definitions: [ServiceDefinition]) {
        services = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public subscript(name: String) -> ServiceDefinition? { services[name] }

    /// Service names in a stable order, for listings.
    public var names: [String] { services.keys.sorted() }

    /// The defaults of ../shared/API.md ("Service catalog defaults").
    public static let defaults = ServiceCatalog([
        .init(name: "stripe", maxBatchSize: 100, maxWaitMs: 2_000, flushAtCostMicros: 50_000,
              monthlyBudgetMicros: 50_000_000, dailyLimitMicros: 2_000_000, burstPerSecond: 100, sustainedPerMinute: 1_000),
        .init(name: "twilio", maxBatchSize: 50, maxWaitMs: 1_000, flushAtCostMicros: 2_000_000,
              monthlyBudgetMicros: 200_000_000, dailyLimitMicros: 8_000_000, burstPerSecond: 10, sustainedPerMinute: 100),
        .init(name: "sendgrid", maxBatchSize: 1_000, maxWaitMs: 5_000, flushAtCostMicros: 100_000,
              monthlyBudgetMicros: 50_000_000, dailyLimitMicros: 2_000_000, burstPerSecond: 100, sustainedPerMinute: 1_000),
        .init(name: "samsara", maxBatchSize: 200, maxWaitMs: 3_000, flushAtCostMicros: 20_000,
              monthlyBudgetMicros: 100_000_000, dailyLimitMicros: 4_000_000, burstPerSecond: 50, sustainedPerMinute: 500),
        .init(name: "maps", maxBatchSize: 25, maxWaitMs: 1_500, flushAtCostMicros: 500_000,
              monthlyBudgetMicros: 150_000_000, dailyLimitMicros: 6_000_000, burstPerSecond: 20, sustainedPerMinute: 200),
        .init(name: "airtable", maxBatchSize: 10, maxWaitMs: 2_000, flushAtCostMicros: 10_000,
              monthlyBudgetMicros: 30_000_000, dailyLimitMicros: 1_200_000, burstPerSecond: 5, sustainedPerMinute: 100),
    ])
}
