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
              monthlyBudgetMicros: 50_000_000, dailyLimitMicros: 2_000_000, burstPerSecond: 100, sustainedPerMinute: 1_000,
              // Stripe bills a percentage of the charge, not the API call: callers pass `costMicros`.
              costs: ["*": .free]),
        .init(name: "twilio", maxBatchSize: 50, maxWaitMs: 1_000, flushAtCostMicros: 2_000_000,
              monthlyBudgetMicros: 200_000_000, dailyLimitMicros: 8_000_000, burstPerSecond: 10, sustainedPerMinute: 100,
              costs: ["messages.create": .init(perUnitMicros: 7_900)]),   // $0.0079 per US SMS segment
        .init(name: "sendgrid", maxBatchSize: 1_000, maxWaitMs: 5_000, flushAtCostMicros: 100_000,
              monthlyBudgetMicros: 50_000_000, dailyLimitMicros: 2_000_000, burstPerSecond: 100, sustainedPerMinute: 1_000,
              costs: ["mail.send": .init(perUnitMicros: 1_000)]),   // about $0.001 per recipient
        .init(name: "samsara", maxBatchSize: 200, maxWaitMs: 3_000, flushAtCostMicros: 20_000,
              monthlyBudgetMicros: 100_000_000, dailyLimitMicros: 4_000_000, burstPerSecond: 50, sustainedPerMinute: 500,
              costs: ["vehicles.stats": .init(perCallMicros: 100, perUnitMicros: 200)]),   // metered API use, nominal
        .init(name: "maps", maxBatchSize: 25, maxWaitMs: 1_500, flushAtCostMicros: 500_000,
              monthlyBudgetMicros: 150_000_000, dailyLimitMicros: 6_000_000, burstPerSecond: 20, sustainedPerMinute: 200,
              costs: ["distancematrix": .init(perUnitMicros: 5_000)]),   // $5 per 1,000 elements
        .init(name: "airtable", maxBatchSize: 10, maxWaitMs: 2_000, flushAtCostMicros: 10_000,
              monthlyBudgetMicros: 30_000_000, dailyLimitMicros: 1_200_000, burstPerSecond: 5, sustainedPerMinute: 100,
              costs: ["*": .init(perUnitMicros: 100)]),   // Airtable bills seats; a nominal $0.0001 per record
    ])
}
