/// One external provider the cluster coordinates calls to, with its batching, budget and rate-limit
/// settings. Money is integer micro-dollars; durations are milliseconds.
public struct ServiceDefinition: Sendable, Equatable, Codable {
    public var name: String
    public var maxBatchSize: Int
    public var maxWaitMs: Int
    /// A pending batch is flushed early once its summed cost reaches this.
    public var flushAtCostMicros: Int64
    public var monthlyBudgetMicros: Int64
    public var dailyLimitMicros: Int64
    public var burstPerSecond: Int
    public var sustainedPerMinute: Int
    /// The cost model by operation (`*`: any other operation). Not part of the service's JSON in
    /// `/status`; a services file may set it (`"costs": {"distancematrix": {"perUnitMicros": 5000}}`).
    public var costs: [String: OperationCost]

    enum CodingKeys: String, CodingKey {
        case name, maxBatchSize, maxWaitMs, flushAtCostMicros, monthlyBudgetMicros, dailyLimitMicros, burstPerSecond, sustainedPerMinute
    }

    public init(
        name: String, maxBatchSize: Int, maxWaitMs: Int, flushAtCostMicros: Int64,
        monthlyBudgetMicros: Int64, dailyLimitMicros: Int64, burstPerSecond: Int, sustainedPerMinute: Int,
        costs: [String: OperationCost] = [:]
    ) {
        self.costs = costs
        self.name = name
        self.maxBatchSize = maxBatchSize
        self.maxWaitMs = maxWaitMs
        self.flushAtCostMicros = flushAtCostMicros
        self.monthlyBudgetMicros = monthlyBudgetMicros
        self.dailyLimitMicros = dailyLimitMicros
        self.burstPerSecond = burstPerSecond
        self.sustainedPerMinute = sustainedPerMinute
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), maxBatchSize: try c.decode(Int.self, forKey: .maxBatchSize),
                  maxWaitMs: try c.decode(Int.self, forKey: .maxWaitMs), flushAtCostMicros: try c.decode(Int64.self, forKey: .flushAtCostMicros),
                  monthlyBudgetMicros: try c.decode(Int64.self, forKey: .monthlyBudgetMicros),
                  dailyLimitMicros: try c.decode(Int64.self, forKey: .dailyLimitMicros),
                  burstPerSecond: try c.decode(Int.self, forKey: .burstPerSecond),
                  sustainedPerMinute: try c.decode(Int.self, forKey: .sustainedPerMinute))
    }

    /// The operation's cost model: its own entry, else `*`, else free.
    public func cost(of operation: String) -> OperationCost {
        costs[operation] ?? costs["*"] ?? .free
    }

    /// What `requests` provider requests carrying `units` billing units cost (the reservation before
    /// a call, with the units asked; the settlement after, with the units the provider accepted).
    public func estimatedCostMicros(operation: String, requests: Int, units: Int) -> Int64 {
        let model = cost(of: operation)
        let (perCall, o1) = model.perCallMicros.multipliedReportingOverflow(by: Int64(max(0, requests)))
        let (perUnit, o2) = model.perUnitMicros.multipliedReportingOverflow(by: Int64(max(0, units)))
        let (total, o3) = perCall.addingReportingOverflow(perUnit)
        return o1 || o2 || o3 ? Int64.max / 2 : total
    }

    /// Checks the values a configuration file may have got wrong; returns the first problem found.
    public func validationProblem() -> String? {
        if name.isEmpty || name.count > 32 || !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }) {
            return "service name must be 1-32 characters of a-z, 0-9, '_' or '-'"
        }
        if maxBatchSize < 1 || maxBatchSize > 10_000 { return "\(name): maxBatchSize must be 1...10000" }
        if maxWaitMs < 1 || maxWaitMs > 600_000 { return "\(name): maxWaitMs must be 1...600000" }
        if flushAtCostMicros < 0 { return "\(name): flushAtCostMicros must be >= 0" }
        if monthlyBudgetMicros < 0 || dailyLimitMicros < 0 { return "\(name): budgets must be >= 0" }
        if burstPerSecond < 1 || sustainedPerMinute < 1 { return "\(name): rate limits must be >= 1" }
        for (operation, cost) in costs where cost.perCallMicros < 0 || cost.perUnitMicros < 0
            || cost.perCallMicros > 1_000_000_000 || cost.perUnitMicros > 1_000_000_000 {
            return "\(name): costs.\(operation) must be 0...1000000000 micro-dollars per call and per unit"
        }
        return nil
    }
}
