extension MetricsRegistry {
    /// The Prometheus text exposition format (version 0.0.4), families and series in a stable order.
    func render() -> String {
        let snapshot = withSnapshot()
        var out = ""
        for (name, family) in snapshot.sorted(by: { $0.key < $1.key }) {
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.kind.rawValue)\n"
            for (labels, series) in family.series.sorted(by: { $0.key < $1.key }) {
                switch family.kind {
                case .counter, .gauge:
                    out += "\(name)\(labels) \(Self.format(series.value))\n"
                case .histogram:
                    for (i, bound) in family.buckets.enumerated() {
                        let count = i < series.bucketCounts.count ? series.bucketCounts[i] : 0
                        out += "\(name)_bucket\(Self.adding("le", Self.format(bound), to: labels)) \(count)\n"
                    }
                    out += "\(name)_bucket\(Self.adding("le", "+Inf", to: labels)) \(series.count)\n"
                    out += "\(name)_sum\(labels) \(Self.format(series.sum))\n"
                    out += "\(name)_count\(labels) \(series.count)\n"
                }
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    private static func adding(_ name: String, _ value: String, to labels: String) -> String {
        let pair = "\(name)=\"\(value)\""
        return labels.isEmpty ? "{\(pair)}" : String(labels.dropLast()) + ",\(pair)}"
    }
}
