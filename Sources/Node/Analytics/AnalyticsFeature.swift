import Coordination
import HTTP

/// Reports for analysts and FinOps dashboards read from PostgreSQL (the durable history), never
/// from Redis: `GET /external-services/analytics/cost-savings` (manager) gives per service and UTC
/// day what the providers were paid and what batching and de-duplication saved. No duties, no
/// readiness of its own: PostgreSQL's is already part of `/readyz`.
struct AnalyticsFeature: NodeFeature {
    let name = "analytics"
    let savings: CostSavingsStore

    init(_ services: NodeServices) {
        savings = CostSavingsStore(postgres: services.postgres)
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let controller = CostSavingsController(store: savings)
        routes.api.get("/external-services/analytics/cost-savings") { request, context in
            try await controller.show(request, context)
        }
    }
}
