import Coordination
import Foundation
import HTTP
import Logging

/// GET /api/v1/external-services/status: the cluster view every node serves alike.
struct StatusController: Sendable {
    let membership: ClusterMembership
    /// The body as `StatusResponse` would encode it, written by hand (JSONEncoder was about a fifth
    /// of the route's CPU); the catalog part is encoded once, here.
    let encoder: StatusResponseEncoder

    init(membership: ClusterMembership, catalog: ServiceCatalog, nodeID: String) {
        self.membership = membership
        encoder = StatusResponseEncoder(services: catalog.names.compactMap { catalog[$0] }, servedBy: nodeID)
    }

    /// The response's shape (what `StatusResponseEncoder` writes; tests compare the two).
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
        return HTTPResponse.json(encoded: try encoder.encode(nodes))
    }

    static func rfc3339(ms: Int64) -> String {
        Logger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
