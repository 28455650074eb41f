/// The most recent `capacity` latency samples (a ring) and their percentiles: bounded memory however
/// many events pass, and percentiles of what happened lately rather than since start.
public struct LatencyWindow: Sendable, Equatable {
    public let capacity: Int
    private var samples: [Double] = []
    private var cursor = 0

    public init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
        samples.reserveCapacity(self.capacity)
    }

    public mutating func record(_ value: Double) {
        if samples.count < capacity {
            samples.append(value)
        } else {
            samples[cursor] = value
        }
        cursor = (cursor + 1) % capacity
    }

    public var count: Int { samples.count }

    /// Nearest-rank percentiles (`p` in 0...1) of the samples, nil when there are none. Sorting is
    /// done once for all the requested ranks.
    public func percentiles(_ ranks: [Double]) -> [Double?] {
        guard !samples.isEmpty else { return ranks.map { _ in nil } }
        let sorted = samples.sorted()
        return ranks.map { p in sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))] }
    }
}
