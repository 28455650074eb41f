import Dispatch
import Testing
@testable import Node

/// Series updated from several threads at once lose nothing, and histograms stay consistent.
@Suite struct MetricsSeriesTests {
    @Test func concurrentUpdatesAreAllCounted() {
        let counter = MetricsSeries(buckets: [])
        let histogram = MetricsSeries(buckets: [0.5, 1, 2])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in 0..<10_000 {
                counter.add(1)
                histogram.observe([0.25, 1, 1.5, 3][(index + worker) % 4])
            }
        }
        #expect(counter.values.value == 40_000)
        let values = histogram.values
        #expect(values.count == 40_000)
        #expect(values.bucketCounts == [10_000, 20_000, 30_000])
        #expect(values.sum == 10_000 * (0.25 + 1 + 1.5 + 3))
        let gauge = MetricsSeries(buckets: [])
        gauge.set(7)
        gauge.set(3)
        #expect(gauge.values.value == 3)
    }
}
