import Coordination
import Foundation
import Logging

/// The body of GET /analytics/cost-savings (docs/openapi.json `CostSavingsReport`): the period as
/// UTC days and as the exact half-open interval, the sparse per-day rows, totals per service and
/// overall. Money in integer micro-dollars; `savingsRatio` is saved / (cost + saved).
struct CostSavingsResponse: Encodable {
    struct Figures: Encodable {
        var costMicros: Int64
        var savedBatchingMicros: Int64
        var savedDedupMicros: Int64
        var savedMicros: Int64
        var events: Int64
        var savingsRatio: Double

        init(_ figures: CostSavings) {
            costMicros = figures.costMicros
            savedBatchingMicros = figures.savedBatchingMicros
            savedDedupMicros = figures.savedDedupMicros
            savedMicros = figures.savedMicros
            events = figures.events
            savingsRatio = figures.savingsRatio
        }
    }

    struct Day: Encodable {
        var day: String
        var service: String
        var costMicros: Int64
        var savedBatchingMicros: Int64
        var savedDedupMicros: Int64
        var savedMicros: Int64
        var events: Int64
    }

    struct Service: Encodable {
        var service: String
        var totals: Figures
    }

    var from: String
    var to: String
    var fromAt: String
    var toAt: String
    var days: [Day]
    var services: [Service]
    var totals: Figures

    init(_ report: CostSavingsReport) {
        from = report.period.firstDay.description
        to = report.period.lastDay.description
        fromAt = Logger.timestamp(report.period.start)
        toAt = Logger.timestamp(report.period.end)
        days = report.days.map {
            Day(day: $0.day.description, service: $0.service, costMicros: $0.figures.costMicros,
                savedBatchingMicros: $0.figures.savedBatchingMicros, savedDedupMicros: $0.figures.savedDedupMicros,
                savedMicros: $0.figures.savedMicros, events: $0.figures.events)
        }
        services = report.byService.sorted { $0.key < $1.key }.map { Service(service: $0.key, totals: Figures($0.value)) }
        totals = Figures(report.total)
    }
}
