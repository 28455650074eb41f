import Coordination
import Foundation
import HTTP
import Logging

/// GET /api/v1/external-services/status: the cluster view every node serves alike.
struct StatusController: Sendable {
    let membership: ClusterMembership
    let catalog: ServiceCatalog
    let nodeID: String

    struct StatusResponse: Encodable {
        struct Node: Encodable {
            var id: String
            var startedAt: String
            var lastSeenAt: String
        }
        var nodes: [Node]
        /// The catalog as configured (its JSON field names are the contract's).
        var services: [ServiceDefinition]
        var servedBy: String
    }

    func status(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let nodes = try await membership.liveNodes()
        let body = StatusResponse(
            nodes: nodes.map { StatusResponse.Node(id: $0.id, startedAt: Self.rfc3339(ms: $0.startedAtMs),
                                                    lastSeenAt: Self.rfc3339(ms: $0.lastSeenAtMs)) },
            services: catalog.names.compactMap { catalog[$0] },
            servedBy: nodeID)
        return try HTTPResponse.json(body)
    }

    static func rfc3339(ms: Int64) -> String {
        Logger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
