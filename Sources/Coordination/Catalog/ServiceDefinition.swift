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

    public init(
        name: String, maxBatchSize: Int, maxWaitMs: Int, flushAtCostMicros: Int64,
        monthlyBudgetMicros: Int64, dailyLimitMicros: Int64, burstPerSecond: Int, sustainedPerMinute: Int
    ) {
        self.name = name
        self.maxBatchSize = maxBatchSize
        self.maxWaitMs = maxWaitMs
        self.flushAtCostMicros = flushAtCostMicros
        self.monthlyBudgetMicros = monthlyBudgetMicros
        self.dailyLimitMicros = dailyLimitMicros
        self.burstPerSecond = burstPerSecond
        self.sustainedPerMinute = sustainedPerMinute
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
        return nil
    }
}
