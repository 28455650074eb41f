import Synchronization

/// Process-wide counters, gauges and histograms rendered in the Prometheus text format for GET /metrics.
/// One instance per node, owned by the node and passed where it is needed (no global state).
final class MetricsRegistry: Sendable {
    enum Kind: String, Sendable { case counter, gauge, histogram }

    /// A metric family: its help text, type, and (for histograms) upper bounds of the buckets.
    struct Family: Sendable {
        var help: String
        var kind: Kind
        var buckets: [Double]
        var series: [String: Series] = [:]

        mutating func update(_ key: String, _ body: (inout Series, [Double]) -> Void) {
            body(&series[key, default: Series()], buckets)
        }
    }

    /// One labelled time series of a family.
    struct Series: Sendable {
        var value: Double = 0
        var bucketCounts: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0
    }

    /// Latency buckets in seconds, from 1 ms to 10 s.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let families = Mutex<[String: Family]>([:])

    /// A copy of every family, taken under the lock, so rendering does not hold it.
    func withSnapshot() -> [String: Family] { families.withLock { $0 } }

    /// Declares a family; samples for undeclared names are ignored, so a typo cannot invent a metric.
    func describe(_ name: String, _ kind: Kind, help: String, buckets: [Double] = MetricsRegistry.latencyBuckets) {
        families.withLock { f in
            if f[name] == nil { f[name] = Family(help: help, kind: kind, buckets: kind == .histogram ? buckets.sorted() : []) }
        }
    }

    func increment(_ name: String, _ labels: [(String, String)] = [], by amount: Double = 1) {
        update(name, labels) { series, _ in series.value += amount }
    }

    func set(_ name: String, _ labels: [(String, String)] = [], to value: Double) {
        update(name, labels) { series, _ in series.value = value }
    }

    func observe(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        update(name, labels) { series, buckets in
            if series.bucketCounts.isEmpty { series.bucketCounts = Array(repeating: 0, count: buckets.count) }
            for (i, bound) in buckets.enumerated() where value <= bound { series.bucketCounts[i] += 1 }
            series.sum += value
            series.count += 1
        }
    }

    private func update(_ name: String, _ labels: [(String, String)], _ body: (inout Series, [Double]) -> Void) {
        let key = Self.labelString(labels)
        // Mutated in place: copying the family out and back would copy every series on each sample.
        families.withLock { f in f[name]?.update(key, body) }
    }

    /// `{a="x",b="y"}` with Prometheus escaping, labels sorted so one series has one key.
    static func labelString(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        let parts = labels.sorted { $0.0 < $1.0 }.map { name, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(escaped)\""
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
