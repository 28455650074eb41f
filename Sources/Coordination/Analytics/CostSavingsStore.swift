import Foundation
import Storage

/// Reads what was spent and saved per service and UTC day from the ledger (`cost_events`), for
/// `GET /analytics/cost-savings`. The figures are those of the `v_daily_cost` view (which analysts
/// query), but filtered on `at` before grouping so the `(service, at)` and `(at)` indexes bound the
/// scan to the period instead of grouping the whole table.
public struct CostSavingsStore: Sendable {
    public let postgres: PostgresClient

    public init(postgres: PostgresClient) { self.postgres = postgres }

    /// $1 start (inclusive), $2 end (exclusive). A day is `(at AT TIME ZONE 'UTC')::date`.
    static let reportSQL = """
    SELECT (at AT TIME ZONE 'UTC')::date                                                   AS day,
           service,
           COALESCE(sum(cost_micros), 0)::bigint                                           AS cost_micros,
           COALESCE(sum(saved_micros) FILTER (WHERE kind = 'saved_batching'), 0)::bigint  AS saved_batching_micros,
           COALESCE(sum(saved_micros) FILTER (WHERE kind = 'saved_dedup'), 0)::bigint     AS saved_dedup_micros,
           COALESCE(sum(saved_micros), 0)::bigint                                          AS saved_micros,
           count(*)                                                                        AS events
      FROM cost_events
     WHERE at >= $1 AND at < $2
     GROUP BY 1, 2
     ORDER BY 1, 2
    """

    public func report(_ period: CostReportPeriod) async throws(CoordinationError) -> CostSavingsReport {
        let operation = "read the cost savings"
        var days: [CostSavingsReport.Day] = []
        do throws(PostgresError) {
            let rows = try await postgres.query(Self.reportSQL, [.timestamptz(period.start), .timestamptz(period.end)])
            days.reserveCapacity(rows.count)
            for row in rows {
                let figures = CostSavings(
                    costMicros: try row.decode(at: 2, as: Int64.self),
                    savedBatchingMicros: try row.decode(at: 3, as: Int64.self),
                    savedDedupMicros: try row.decode(at: 4, as: Int64.self),
                    savedMicros: try row.decode(at: 5, as: Int64.self),
                    events: try row.decode(at: 6, as: Int64.self))
                days.append(CostSavingsReport.Day(day: UTCDay(containing: try row.decode(at: 0, as: Date.self)),
                                                  service: try row.decode(at: 1, as: String.self), figures: figures))
            }
        } catch {
            throw CoordinationError(postgres: error, operation: operation)
        }
        guard let report = CostSavingsReport(period: period, days: days) else {
            throw CoordinationError(.corruptState, operation: operation, detail: "a total overflows Int64 micro-dollars")
        }
        return report
    }
}
