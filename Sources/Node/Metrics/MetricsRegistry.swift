import Synchronization

/// Process-wide counters, gauges and histograms rendered in the Prometheus text format for GET /metrics.
/// One instance per node, owned by the node and passed where it is needed (no global state).
final class MetricsRegistry: Sendable {
    enum Kind: String, Sendable { case counter, gauge, histogram }

    /// A metric family as rendered: its help text, type, (for histograms) upper bounds of the buckets,
    /// and a copy of each series.
    struct Family: Sendable {
        var help: String
        var kind: Kind
        var buckets: [Double]
        var series: [String: Series] = [:]
    }

    /// The values of one labelled time series of a family.
    struct Series: Sendable {
        var value: Double = 0
        var bucketCounts: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0
    }

    /// A declared family and its live series, by label key.
    private struct Entry: Sendable {
        var help: String
        var kind: Kind
        var buckets: [Double]
        var series: [String: MetricsSeries] = [:]
    }

    /// Latency buckets in seconds, from 1 ms to 10 s.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let families = Mutex<[String: Entry]>([:])

    /// A copy of every family; the registry lock is held only to copy the table, not while reading series.
    func withSnapshot() -> [String: Family] {
        families.withLock { $0 }.mapValues { entry in
            Family(help: entry.help, kind: entry.kind, buckets: entry.buckets, series: entry.series.mapValues(\.values))
        }
    }

    /// Declares a family; samples for undeclared names are ignored, so a typo cannot invent a metric.
    func describe(_ name: String, _ kind: Kind, help: String, buckets: [Double] = MetricsRegistry.latencyBuckets) {
        families.withLock { f in
            if f[name] == nil { f[name] = Entry(help: help, kind: kind, buckets: kind == .histogram ? buckets.sorted() : []) }
        }
    }

    /// The series of `name` with `labels`, created on first use; nil for an undeclared family. A hot path
    /// keeps it and updates it directly, without building its label key or locking the registry again.
    func series(_ name: String, _ labels: [(String, String)] = []) -> MetricsSeries? {
        let key = Self.labelString(labels)
        return families.withLock { f -> MetricsSeries? in
            guard let entry = f[name] else { return nil }
            if let existing = entry.series[key] { return existing }
            let created = MetricsSeries(buckets: entry.buckets)
            f[name]?.series[key] = created
            return created
        }
    }

    func increment(_ name: String, _ labels: [(String, String)] = [], by amount: Double = 1) {
        series(name, labels)?.add(amount)
    }

    func set(_ name: String, _ labels: [(String, String)] = [], to value: Double) {
        series(name, labels)?.set(value)
    }

    func observe(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        series(name, labels)?.observe(value)
    }

    /// `{a="x",b="y"}` with Prometheus escaping, labels sorted so one series has one key.
    static func labelString(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        var out = "{"
        for (index, (name, value)) in labels.sorted(by: { $0.0 < $1.0 }).enumerated() {
            if index > 0 { out += "," }
            out += name
            out += "=\""
            appendEscaped(value, to: &out)
            out += "\""
        }
        return out + "}"
    }

    /// Backslash, double quote and newline escaped, as the text format requires; other bytes as they are.
    private static func appendEscaped(_ value: String, to out: inout String) {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else {
            out += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
