import Coordination
import Foundation
import HTTP
import Logging

/// The cluster view: this node's heartbeat in Redis (so every node lists it), `node.joined` /
/// `node.left` in the `api_status_updates` room, and `GET /api/v1/external-services/status`.
struct StatusFeature: NodeFeature {
    let name = "status"
    let membership: ClusterMembership
    let nodeID: String
    let startedAtMs: Int64
    let catalog: ServiceCatalog
    let logger: Logger
    /// Where node arrivals and departures are announced (the realtime hub's publish).
    let announcements: RealtimeHub
    /// Whether this node's arrival was announced yet (once per process).
    let announced = AnnouncedFlag()
    let breakers: CircuitBreakerStore
    let budgets: BudgetStore

    init(_ services: NodeServices, announcements: RealtimeHub) {
        membership = ClusterMembership(redis: services.redis, keys: services.keys)
        nodeID = services.configuration.nodeID
        startedAtMs = Int64(services.startedAt.timeIntervalSince1970 * 1000)
        catalog = services.configuration.catalog
        logger = services.logger
        self.announcements = announcements
        breakers = CircuitBreakerStore(redis: services.redis, keys: services.keys)
        budgets = BudgetStore(redis: services.redis, postgres: services.postgres, keys: services.keys)
    }

    func addRoutes(to routes: inout NodeRoutes) {
        let controller = StatusController(membership: membership, catalog: catalog, nodeID: nodeID, breakers: breakers, budgets: budgets)
        routes.api.get("/external-services/status") { _, context in try await controller.status(context) }
    }

    var duties: [Duty] {
        // Every third of the TTL, so two beats may be lost before the node drops out of the view.
        [Duty("status.heartbeat", .periodic(.milliseconds(membership.ttlMs / 3))) { [self] in try await beat() }]
    }

    /// One heartbeat; the first successful one also announces the node to dashboards.
    func beat() async throws(CoordinationError) {
        try await membership.heartbeat(nodeID: nodeID, startedAtMs: startedAtMs)
        guard !announced.isSet else { return }
        try await announcements.publish(room: "api_status_updates", event: "node.joined", priority: .medium,
                                        data: #"{"nodeId":"# + JSONText.quoted(nodeID) + "}")
        announced.set()
    }

    /// Leaves the cluster view at once (instead of waiting for the TTL) and tells dashboards.
    func stop() async {
        do {
            try await announcements.publish(room: "api_status_updates", event: "node.left", priority: .medium,
                                            data: #"{"nodeId":"# + JSONText.quoted(nodeID) + "}")
            try await membership.leave(nodeID: nodeID)
        } catch {
            logger.warning("could not leave the cluster view; it expires by itself",
                                           ["error": .string(error.description)])
        }
    }
}
