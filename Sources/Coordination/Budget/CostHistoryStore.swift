import Foundation
import Storage

/// Reads the cost ledger (PostgreSQL `cost_events`) for the month-end projection and the anomaly
/// check of every service, and combines it with those pure rules:
///
///     let store = CostHistoryStore(postgres: services.postgres)
///     let outlook = try await store.outlook(now: Date())       // [service: CostOutlook]
///     outlook["stripe"]?.projectedMonthMicros, .anomaly, .anomalyReason
///
/// One statement per call (one snapshot, so the figures agree), over the rows since the earlier of
/// the month's start and 14 days before today's midnight, up to the end of today (UTC; a node whose
/// clock runs a little ahead still has its rows counted today). Both bounds are instants computed
/// here, so the session's time zone never matters; hours are `date_trunc('hour', at AT TIME ZONE
/// 'UTC')`. Spend is `sum(cost_micros)` over every kind, as in `v_daily_cost`.
///
/// A service without a row in that window is absent from the answer: it spent nothing, projects
/// nothing and has no anomaly (`CostOutlook.quiet(service:now:)`). PostgreSQL down:
/// `historyUnavailable` (503 at the HTTP boundary).
public struct CostHistoryStore: Sendable {
    public let postgres: PostgresClient

    public init(postgres: PostgresClient) { self.postgres = postgres }

    /// $1 window start, $2 end of today, $3 month start, $4 trailing week start, $5 today's start,
    /// $6 anomaly baseline start. The `older` probe uses `cost_events_service_at_idx` (one index
    /// lookup per service) to tell "first row ever" from "first row in the window".
    static let historySQL = """
    WITH recent AS (
        SELECT service, at, cost_micros FROM cost_events WHERE at >= $1 AND at < $2
    ), summary AS (
        SELECT service,
               COALESCE(sum(cost_micros) FILTER (WHERE at >= $3), 0)::bigint             AS month_micros,
               COALESCE(sum(cost_micros) FILTER (WHERE at >= $4 AND at < $5), 0)::bigint AS week_micros,
               COALESCE(sum(cost_micros) FILTER (WHERE at >= $5), 0)::bigint             AS today_micros,
               min(at)                                                                    AS first_at,
               EXISTS (SELECT 1 FROM cost_events o WHERE o.service = recent.service AND o.at < $1) AS older
          FROM recent
         GROUP BY service
    ), hourly AS (
        SELECT service, date_trunc('hour', at AT TIME ZONE 'UTC') AS hour, sum(cost_micros)::bigint AS micros
          FROM recent
         WHERE at >= $6
         GROUP BY 1, 2
    )
    SELECT s.service, s.month_micros, s.week_micros, s.today_micros, s.first_at, s.older, h.hour, h.micros
      FROM summary s LEFT JOIN hourly h ON h.service = s.service
     ORDER BY s.service, h.hour
    """

    /// The ledger facts of every service with a cost row in the window, by service name.
    public func history(now: Date, baselineDays: Int64 = SpendAnomaly.Rule().baselineDays)
        async throws(CoordinationError) -> [String: ServiceCostHistory] {
        let today = UTCDay(containing: now)
        let monthStart = today.firstOfMonth.start
        let baselineStart = today.advanced(by: -max(7, baselineDays)).start
        let windowStart = min(monthStart, baselineStart)
        let operation = "read the cost history"
        let rows: PostgresRows
        do {
            rows = try await postgres.query(Self.historySQL, [
                .timestamptz(windowStart), .timestamptz(today.advanced(by: 1).start), .timestamptz(monthStart),
                .timestamptz(today.advanced(by: -7).start), .timestamptz(today.start), .timestamptz(baselineStart),
            ])
        } catch {
            throw CoordinationError(postgres: error, operation: operation)
        }
        var result: [String: ServiceCostHistory] = [:]
        do throws(PostgresError) {
            for row in rows {
                let service = try row.decode(at: 0, as: String.self)
                if result[service] == nil {
                    let older = try row.decode(at: 5, as: Bool.self)
                    result[service] = ServiceCostHistory(
                        service: service, now: now,
                        monthToDateMicros: try row.decode(at: 1, as: Int64.self),
                        trailingWeekMicros: try row.decode(at: 2, as: Int64.self),
                        spentTodayMicros: try row.decode(at: 3, as: Int64.self),
                        historyStart: older ? windowStart : try row.decode(at: 4, as: Date.self))
                }
                if let hour = try row.decode(at: 6, as: Date?.self) {
                    result[service]?.hourly.append(HourlySpend(hourStart: hour, micros: try row.decode(at: 7, as: Int64.self)))
                }
            }
        } catch {
            throw CoordinationError(postgres: error, operation: operation)
        }
        return result
    }

    /// `history(now:)` through `CostOutlook` (projection and anomaly) for every service in it.
    public func outlook(now: Date, rule: SpendAnomaly.Rule = SpendAnomaly.Rule())
        async throws(CoordinationError) -> [String: CostOutlook] {
        try await history(now: now, baselineDays: rule.baselineDays).mapValues { CostOutlook($0, rule: rule) }
    }
}
