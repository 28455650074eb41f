import Coordination
import Foundation
import HTTP

extension NodeApp {
    /// GET /api/v1/external-services/status: the cluster view every node serves alike.
    struct StatusResponse: Encodable {
        struct Node: Encodable {
            var id: String
            var startedAt: String
            var lastSeenAt: String
        }
        struct Service: Encodable {
            var name: String
            var maxBatchSize: Int
            var maxWaitMs: Int
            var monthlyBudgetMicros: Int64
            var dailyLimitMicros: Int64
            var burstPerSecond: Int
            var sustainedPerMinute: Int
        }
        var nodes: [Node]
        var services: [Service]
        var servedBy: String
    }

    func addStatusRoutes(to router: inout Router) {
        router.get("/api/v1/external-services/status") { [self] _, context in
            try context.require(.user)
            let nodes = try await membership.liveNodes()
            let services = configuration.catalog.names.compactMap { configuration.catalog[$0] }.map {
                StatusResponse.Service(name: $0.name, maxBatchSize: $0.maxBatchSize, maxWaitMs: $0.maxWaitMs,
                                       monthlyBudgetMicros: $0.monthlyBudgetMicros, dailyLimitMicros: $0.dailyLimitMicros,
                                       burstPerSecond: $0.burstPerSecond, sustainedPerMinute: $0.sustainedPerMinute)
            }
            let body = StatusResponse(
                nodes: nodes.map { StatusResponse.Node(id: $0.id, startedAt: Self.rfc3339(ms: $0.startedAtMs),
                                                        lastSeenAt: Self.rfc3339(ms: $0.lastSeenAtMs)) },
                services: services, servedBy: configuration.nodeID)
            return try HTTPResponse.json(body)
        }
    }

    static func rfc3339(ms: Int64) -> String {
        NodeLogger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
