import Synchronization

/// One labelled time series behind its own lock, held by reference so a hot path (every HTTP request)
/// resolves it once and then updates it without rebuilding its label key or locking the whole registry.
final class MetricsSeries: Sendable {
    /// Upper bounds of the histogram buckets (empty for counters and gauges).
    private let buckets: [Double]
    private let state: Mutex<MetricsRegistry.Series>

    init(buckets: [Double]) {
        self.buckets = buckets
        state = Mutex(MetricsRegistry.Series(bucketCounts: Array(repeating: 0, count: buckets.count)))
    }

    /// A copy of the current values.
    var values: MetricsRegistry.Series { state.withLock { $0 } }

    func add(_ amount: Double) { state.withLock { $0.value += amount } }

    func set(_ value: Double) { state.withLock { $0.value = value } }

    /// One histogram sample: every bucket whose bound is at least `value` counts it (cumulative buckets).
    func observe(_ value: Double) {
        state.withLock { series in
            for (i, bound) in buckets.enumerated() where value <= bound { series.bucketCounts[i] += 1 }
            series.sum += value
            series.count += 1
        }
    }
}
