import Testing
@testable import Node

@Suite struct MetricsRegistryTests {
    @Test func rendersCountersGaugesAndHistograms() {
        let m = MetricsRegistry()
        m.describe("http_requests_total", .counter, help: "Requests by route and status.")
        m.describe("open_connections", .gauge, help: "Open connections.")
        m.describe("http_request_duration_seconds", .histogram, help: "Latency.", buckets: [0.01, 0.1])
        m.increment("http_requests_total", [("status", "200"), ("route", "/healthz")])
        m.increment("http_requests_total", [("route", "/healthz"), ("status", "200")], by: 2)
        m.set("open_connections", to: 5)
        m.observe("http_request_duration_seconds", [("route", "/x")], 0.05)
        m.observe("http_request_duration_seconds", [("route", "/x")], 0.005)
        m.increment("undeclared_metric")
        let text = m.render()
        #expect(text.contains("# TYPE http_requests_total counter\n"))
        #expect(text.contains("http_requests_total{route=\"/healthz\",status=\"200\"} 3\n"))
        #expect(text.contains("open_connections 5\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{route=\"/x\",le=\"0.01\"} 1\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("http_request_duration_seconds_count{route=\"/x\"} 2\n"))
        #expect(!text.contains("undeclared_metric"))
    }

    @Test func escapesLabelValues() {
        #expect(MetricsRegistry.labelString([("p", "a\"b\\c\nd")]) == "{p=\"a\\\"b\\\\c\\nd\"}")
    }
}
