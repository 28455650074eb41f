import HTTP
import Testing
@testable import Node

/// The per-request recorder renders exactly what building the labels on every request rendered.
@Suite struct HTTPRequestMetricsTests {
    @Test func countsByMethodRouteAndStatusAndTimesByRoute() {
        let registry = MetricsRegistry()
        NodeMetrics.describe(in: registry)
        let recorder = HTTPRequestMetrics(registry: registry)
        func observe(_ method: String, _ route: String, _ status: Int, _ milliseconds: Int) {
            recorder.record(MetricsMiddleware.Observation(method: method, route: route, status: status,
                                                          duration: .milliseconds(milliseconds)))
        }
        observe("GET", "/healthz", 200, 2)
        observe("GET", "/healthz", 200, 20)
        observe("BREW", "/healthz", 405, 1)
        observe("GET", "unmatched", 404, 1)
        observe("GET", #"/q"uote\"#, 200, 1)
        let text = registry.render()
        #expect(text.contains("coordinator_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"))
        #expect(text.contains("coordinator_http_requests_total{method=\"other\",route=\"/healthz\",status=\"405\"} 1\n"))
        #expect(text.contains("coordinator_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"))
        #expect(text.contains(#"coordinator_http_requests_total{method="GET",route="/q\"uote\\",status="200"} 1"#))
        #expect(text.contains("coordinator_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.001\"} 1\n"))
        #expect(text.contains("coordinator_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2\n"))
        #expect(text.contains("coordinator_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.025\"} 3\n"))
        #expect(text.contains("coordinator_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("coordinator_http_request_duration_seconds_count{route=\"/healthz\"} 3\n"))
        #expect(text.contains("coordinator_http_request_duration_seconds_sum{route=\"/healthz\"} 0.023\n"))
        #expect(!text.contains("BREW"))
    }

    @Test func methodLabelsAreTheKnownMethodsOrOther() {
        for method in NodeMetrics.knownMethods { #expect(HTTPRequestMetrics.methodLabel(method) == method) }
        for method in ["get", "BREW", "", "GETX", "CONNECT"] { #expect(HTTPRequestMetrics.methodLabel(method) == "other") }
    }
}
