import Coordination
import Foundation
import HTTP
import Logging

/// `GET /api/v1/external-services/analytics/performance?from=&to=&bucket=hour|day` (manager): per
/// service and UTC hour or day, from `upstream_calls`: calls, errors, latency p50/p95, items per
/// call, cost. `from`/`to` as for cost-savings (default the last 30 days); a bad bucket is 400 naming it.
struct PerformanceController: Sendable {
    let store: PerformanceStore

    func show(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.manager)
        let query = request.query
        let period = try CostReportPeriod.parse(from: query["from"], to: query["to"], now: Date())
        var bucket = PerformanceStore.Bucket.hour
        if let name = query["bucket"] {
            guard let parsed = PerformanceStore.Bucket(rawValue: name) else {
                throw HTTPError.badRequest("bucket must be hour or day.", code: "invalid_field", field: "bucket")
            }
            bucket = parsed
        }
        let rows = try await store.report(period, bucket: bucket)
        let buckets: [JSONValue] = rows.map { row in
            .object([
                "start": .string(row.bucketStart.formatted(.iso8601)),
                "service": .string(row.service),
                "calls": .integer(row.calls),
                "errors": .integer(row.errors),
                "errorRate": .number(row.calls == 0 ? 0 : (Double(row.errors) / Double(row.calls) * 10_000).rounded() / 10_000),
                "p50Ms": .integer(row.p50Ms),
                "p95Ms": .integer(row.p95Ms),
                "itemsPerCall": .number((row.itemsPerCall * 100).rounded() / 100),
                "costMicros": .integer(row.costMicros),
            ])
        }
        let body: JSONValue = .object([
            "from": .string(period.start.formatted(.iso8601)),
            "to": .string(period.end.formatted(.iso8601)),
            "bucket": .string(bucket.rawValue),
            "buckets": .array(buckets),
        ])
        return HTTPResponse.json(encoded: body.jsonBytes)
    }
}
