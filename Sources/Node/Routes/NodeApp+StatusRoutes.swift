import Logging
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
        var nodes: [Node]
        /// The catalog as configured (its JSON field names are the contract's).
        var services: [ServiceDefinition]
        var servedBy: String
    }

    func addStatusRoutes(to router: inout Router) {
        router.get("/api/v1/external-services/status") { [self] _, context in
            try context.require(.user)
            let nodes = try await membership.liveNodes()
            let body = StatusResponse(
                nodes: nodes.map { StatusResponse.Node(id: $0.id, startedAt: Self.rfc3339(ms: $0.startedAtMs),
                                                        lastSeenAt: Self.rfc3339(ms: $0.lastSeenAtMs)) },
                services: configuration.catalog.names.compactMap { configuration.catalog[$0] },
                servedBy: configuration.nodeID)
            return try HTTPResponse.json(body)
        }
    }

    static func rfc3339(ms: Int64) -> String {
        Logger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
