import Synchronization

/// One labelled time series, held by reference so a hot path (every HTTP request) resolves it once and
/// then updates it without rebuilding its label key or locking the registry. Updates are atomic
/// operations, not a lock: the event loops that count requests never wait for each other here.
final class MetricsSeries: Sendable {
    /// Upper bounds of the histogram buckets (empty for counters and gauges).
    private let bounds: [Double]
    /// Per bucket, samples at or below its bound and above the previous one (cumulated when read).
    private let bucketCounts: [AtomicCount]
    /// Samples above the last bound.
    private let overflow = AtomicCount()
    /// The counter or gauge value, and the histogram sum, as `Double` bit patterns.
    private let value = Atomic<UInt64>(0)
    private let sum = Atomic<UInt64>(0)

    /// One atomic counter on its own (an array cannot hold `Atomic` values directly).
    final class AtomicCount: Sendable {
        let count = Atomic<UInt64>(0)
    }

    init(buckets: [Double]) {
        bounds = buckets
        bucketCounts = buckets.map { _ in AtomicCount() }
    }

    /// The current values; each field is read atomically, and the histogram's total is the sum of its
    /// buckets, so `+Inf` always equals `count` (the sum may trail by a sample being recorded).
    var values: MetricsRegistry.Series {
        var series = MetricsRegistry.Series(value: Double(bitPattern: value.load(ordering: .relaxed)))
        guard !bounds.isEmpty else { return series }
        var cumulative: UInt64 = 0
        series.bucketCounts = bucketCounts.map { bucket in
            cumulative += bucket.count.load(ordering: .relaxed)
            return cumulative
        }
        series.count = cumulative + overflow.count.load(ordering: .relaxed)
        series.sum = Double(bitPattern: sum.load(ordering: .relaxed))
        return series
    }

    func add(_ amount: Double) { Self.add(amount, to: value) }

    func set(_ newValue: Double) { value.store(newValue.bitPattern, ordering: .relaxed) }

    /// One histogram sample, counted in the first bucket whose bound is at least `sample`.
    func observe(_ sample: Double) {
        if let index = bounds.firstIndex(where: { sample <= $0 }) {
            bucketCounts[index].count.wrappingAdd(1, ordering: .relaxed)
        } else {
            overflow.count.wrappingAdd(1, ordering: .relaxed)
        }
        Self.add(sample, to: sum)
    }

    /// Adds to a `Double` kept as bits: compare-and-swap until no other thread changed it meanwhile.
    private static func add(_ amount: Double, to bits: borrowing Atomic<UInt64>) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = bits.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
