import HTTP
import Logging
import Synchronization

/// Feeds each request into the node's request counter (by method, route pattern and status) and
/// latency histogram (by route pattern) with each label set resolved once and remembered: a request
/// costs one lookup and two series updates, not label strings built and escaped every time.
final class HTTPRequestMetrics: Sendable {
    /// The labels of one request; bounded (known methods, route patterns, statuses handlers return).
    struct Key: Hashable, Sendable {
        var method: String
        var route: String
        var status: Int
    }

    /// The two series a request with a given key updates.
    struct Resolved: Sendable {
        let requests: MetricsSeries?
        let duration: MetricsSeries?
    }

    private let registry: MetricsRegistry
    private let resolved = Mutex<[Key: Resolved]>([:])

    init(registry: MetricsRegistry) { self.registry = registry }

    func record(_ observation: MetricsMiddleware.Observation) {
        let key = Key(method: Self.methodLabel(observation.method), route: observation.route, status: observation.status)
        let series = resolved.withLock { $0[key] } ?? resolve(key)
        series.requests?.add(1)
        series.duration?.observe(observation.duration.fractionalSeconds)
    }

    private func resolve(_ key: Key) -> Resolved {
        let series = Resolved(
            requests: registry.series(NodeMetrics.requests, [("method", key.method), ("route", key.route),
                                                             ("status", String(key.status))]),
            duration: registry.series(NodeMetrics.requestDuration, [("route", key.route)]))
        resolved.withLock { $0[key] = series }
        return series
    }

    /// Methods kept as a label value (`NodeMetrics.knownMethods`); any other token a client sends counts
    /// as "other", so clients cannot grow the series set. Compared, not hashed: this runs per request.
    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS": return method
        default: return "other"
        }
    }
}
