/// The cost-savings report of a period: per service and UTC day from the ledger, with totals per
/// service and overall. Days without a ledger row for a service are absent (they hold zeros).
public struct CostSavingsReport: Sendable, Hashable {
    /// One service on one UTC day.
    public struct Day: Sendable, Hashable {
        public var day: UTCDay
        public var service: String
        public var figures: CostSavings

        public init(day: UTCDay, service: String, figures: CostSavings) {
            self.day = day
            self.service = service
            self.figures = figures
        }
    }

    public let period: CostReportPeriod
    /// Ordered by day, then service.
    public let days: [Day]
    public let byService: [String: CostSavings]
    public let total: CostSavings

    /// Totals are added here, so they always equal the sum of the days shown. Nil on overflow.
    public init?(period: CostReportPeriod, days: [Day]) {
        self.period = period
        self.days = days
        var byService: [String: CostSavings] = [:]
        var total = CostSavings()
        for day in days {
            guard let service = (byService[day.service] ?? CostSavings()).adding(day.figures),
                  let all = total.adding(day.figures)
            else { return nil }
            byService[day.service] = service
            total = all
        }
        self.byService = byService
        self.total = total
    }
}
