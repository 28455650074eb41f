import Foundation

/// Why a services file could not be applied; `message` names the service or field at fault.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension ServiceCatalog {
    /// One entry of a services file: every field optional, so a file can change one setting of a
    /// known service; a new service must give them all.
    struct Override: Decodable {
        var maxBatchSize: Int?
        var maxWaitMs: Int?
        var flushAtCostMicros: Int64?
        var monthlyBudgetMicros: Int64?
        var dailyLimitMicros: Int64?
        var burstPerSecond: Int?
        var sustainedPerMinute: Int?
        /// Merged into the service's cost model by operation.
        var costs: [String: OperationCost]?
    }

    /// Applies a JSON object `{"<service>": {field: value, ...}, ...}` on top of this catalog.
    public func applying(overridesJSON data: Data) throws(CatalogError) -> ServiceCatalog {
        let overrides: [String: Override]
        do {
            overrides = try JSONDecoder().decode([String: Override].self, from: data)
        } catch {
            throw CatalogError(message: "services file is not a JSON object of service settings: \(error)")
        }
        var result = self
        for (name, o) in overrides.sorted(by: { $0.key < $1.key }) {
            let base = services[name]
            guard let base = base ?? Self.complete(name: name, o) else {
                throw CatalogError(message: "new service '\(name)' must set every field (maxBatchSize, maxWaitMs, flushAtCostMicros, monthlyBudgetMicros, dailyLimitMicros, burstPerSecond, sustainedPerMinute)")
            }
            var d = base
            if let v = o.maxBatchSize { d.maxBatchSize = v }
            if let v = o.maxWaitMs { d.maxWaitMs = v }
            if let v = o.flushAtCostMicros { d.flushAtCostMicros = v }
            if let v = o.monthlyBudgetMicros { d.monthlyBudgetMicros = v }
            if let v = o.dailyLimitMicros { d.dailyLimitMicros = v }
            if let v = o.burstPerSecond { d.burstPerSecond = v }
            if let v = o.sustainedPerMinute { d.sustainedPerMinute = v }
            for (operation, cost) in o.costs ?? [:] { d.costs[operation] = cost }
            if let problem = d.validationProblem() { throw CatalogError(message: problem) }
            result.services[name] = d
        }
        return result
    }

    private static func complete(name: String, _ o: Override) -> ServiceDefinition? {
        guard let a = o.maxBatchSize, let b = o.maxWaitMs, let c = o.flushAtCostMicros,
              let m = o.monthlyBudgetMicros, let d = o.dailyLimitMicros,
              let bu = o.burstPerSecond, let s = o.sustainedPerMinute else { return nil }
        return ServiceDefinition(name: name, maxBatchSize: a, maxWaitMs: b, flushAtCostMicros: c,
                                 monthlyBudgetMicros: m, dailyLimitMicros: d, burstPerSecond: bu, sustainedPerMinute: s)
    }
}
