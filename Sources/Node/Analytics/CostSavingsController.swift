import Coordination
import Foundation
import HTTP
import Logging

/// GET /api/v1/external-services/analytics/cost-savings?from=&to= (manager): parses the period
/// (`CostReportPeriod`: dates or RFC 3339 instants, last 30 days by default, at most 366), reads
/// the report (`CostSavingsStore`) and encodes it. Bad bounds are 400 `invalid_field` naming
/// `from` or `to`; PostgreSQL down is 503 (ErrorMapping).
struct CostSavingsController: Sendable {
    let store: CostSavingsStore

    func show(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.manager)
        let query = request.query
        let period = try CostReportPeriod.parse(from: query["from"], to: query["to"], now: Date())
        let report = try await store.report(period)
        return try HTTPResponse.json(CostSavingsResponse(report))
    }
}
