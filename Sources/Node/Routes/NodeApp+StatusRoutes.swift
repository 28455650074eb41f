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
        // The body as `StatusResponse` would encode it, written by hand (see `StatusResponseEncoder`).
        let encoder = StatusResponseEncoder(services: configuration.catalog.names.compactMap { configuration.catalog[$0] },
                                            servedBy: configuration.nodeID)
        router.get("/api/v1/external-services/status") { [membership] _, context in
            try context.require(.user)
            let nodes = try await membership.liveNodes()
            return HTTPResponse.json(encoded: try encoder.encode(nodes))
        }
    }

    static func rfc3339(ms: Int64) -> String {
        NodeLogger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
