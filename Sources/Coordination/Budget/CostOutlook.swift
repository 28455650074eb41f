import Foundation

/// One service's month-end projection and today's anomaly verdict, computed from its ledger
/// history by the pure `SpendProjection` and `SpendAnomaly` (their doc comments hold the rules).
/// The `GET /cost-monitoring` answer carries `projectedMonthMicros`, `anomaly` and `anomalyReason`.
public struct CostOutlook: Sendable, Hashable {
    public let service: String
    public let projectedMonthMicros: Int64
    public let anomaly: Bool
    /// Why, in words (with the figures); nil when there is no anomaly.
    public let anomalyReason: String?
    /// The details behind the figures above (basis and rate; baseline, threshold).
    public let projection: SpendProjection
    public let anomalyCheck: SpendAnomaly
    public let history: ServiceCostHistory

    public init(_ history: ServiceCostHistory, rule: SpendAnomaly.Rule = SpendAnomaly.Rule(),
                minimumObservationMs: Int64 = SpendProjection.defaultMinimumObservationMs) {
        self.history = history
        service = history.service
        projection = SpendProjection(monthToDateMicros: history.monthToDateMicros,
                                     trailingWeekMicros: history.trailingWeekMicros,
                                     spentTodayMicros: history.spentTodayMicros, historyStart: history.historyStart,
                                     now: history.now, minimumObservationMs: minimumObservationMs)
        anomalyCheck = SpendAnomaly(hourly: history.hourly, historyStart: history.historyStart, now: history.now, rule: rule)
        projectedMonthMicros = projection.projectedMonthMicros
        anomaly = anomalyCheck.isAnomaly
        anomalyReason = anomalyCheck.reason
    }

    /// A service with no cost row in the window read: nothing spent, nothing projected, no anomaly.
    public static func quiet(service: String, now: Date) -> CostOutlook {
        CostOutlook(ServiceCostHistory(service: service, now: now))
    }
}
