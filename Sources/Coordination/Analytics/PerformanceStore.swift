import Foundation
import Storage

/// Calls to the providers per service and hour or day from `upstream_calls`, for
/// `GET /analytics/performance`: calls, errors (any outcome but `succeeded`), latency p50/p95, items
/// per call, cost. Filtered on `called_at` first so the `(service, called_at)` index bounds the scan.
public struct PerformanceStore: Sendable {
    public let postgres: PostgresClient

    public init(postgres: PostgresClient) { self.postgres = postgres }

    public enum Bucket: String, Sendable, CaseIterable {
        case hour, day
    }

    public struct Row: Sendable, Hashable {
        public var bucketStart: Date
        public var service: String
        public var calls: Int64
        public var errors: Int64
        public var p50Ms: Int64
        public var p95Ms: Int64
        public var items: Int64
        public var costMicros: Int64
        public var itemsPerCall: Double { calls == 0 ? 0 : Double(items) / Double(calls) }
    }

    /// $1 start (inclusive), $2 end (exclusive), $3 'hour' or 'day' (UTC).
    static let reportSQL = """
    SELECT date_trunc($3, called_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'                    AS bucket,
           service,
           count(*)                                                                        AS calls,
           count(*) FILTER (WHERE outcome <> 'succeeded')                                  AS errors,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms))::bigint          AS p50,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::bigint         AS p95,
           COALESCE(sum(items), 0)::bigint                                                 AS items,
           COALESCE(sum(cost_micros), 0)::bigint                                           AS cost
      FROM upstream_calls
     WHERE called_at >= $1 AND called_at < $2
     GROUP BY 1, 2
     ORDER BY 1, 2
    """

    public func report(_ period: CostReportPeriod, bucket: Bucket) async throws(CoordinationError) -> [Row] {
        do throws(PostgresError) {
            let rows = try await postgres.query(Self.reportSQL, [.timestamptz(period.start), .timestamptz(period.end), .text(bucket.rawValue)])
            var out: [Row] = []
            out.reserveCapacity(rows.count)
            for row in rows {
                out.append(Row(bucketStart: try row.decode(at: 0, as: Date.self), service: try row.decode(at: 1, as: String.self),
                               calls: try row.decode(at: 2, as: Int64.self), errors: try row.decode(at: 3, as: Int64.self),
                               p50Ms: try row.decode(at: 4, as: Int64.self), p95Ms: try row.decode(at: 5, as: Int64.self),
                               items: try row.decode(at: 6, as: Int64.self), costMicros: try row.decode(at: 7, as: Int64.self)))
            }
            return out
        } catch {
            throw CoordinationError(postgres: error, operation: "read the call performance")
        }
    }
}
