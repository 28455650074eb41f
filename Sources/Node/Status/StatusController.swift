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
    let breakers: CircuitBreakerStore
    let budgets: BudgetStore
    let definitions: [ServiceDefinition]

    init(membership: ClusterMembership, catalog: ServiceCatalog, nodeID: String, breakers: CircuitBreakerStore, budgets: BudgetStore) {
        self.membership = membership
        definitions = catalog.names.compactMap { catalog[$0] }
        encoder = StatusResponseEncoder(services: definitions, servedBy: nodeID)
        self.breakers = breakers
        self.budgets = budgets
    }

    /// The response's shape (what `StatusResponseEncoder` writes; tests compare the two).
    struct StatusResponse: Encodable {
        struct Node: Encodable {
            var id: String
            var startedAt: String
            var lastSeenAt: String
        }
        var nodes: [Node]
        /// The catalog as configured (its JSON field names are the contract's), each entry with the
        /// service's live fields.
        struct Service: Encodable {
            var definition: ServiceDefinition
            var live: ServiceLiveState?
            func encode(to encoder: any Encoder) throws {
                try definition.encode(to: encoder)
                try live?.encode(to: encoder)
            }
        }
        var services: [Service]
        var servedBy: String
    }

    func status(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        async let circuits = breakers.circuits(definitions.map(\.name))
        async let budgetFigures = figures()
        let nodes = try await membership.liveNodes()
        let circuit = try await circuits
        let budget = try await budgetFigures
        var states: [String: ServiceLiveState] = [:]
        for definition in definitions {
            states[definition.name] = ServiceLiveState(circuit: circuit[definition.name] ?? .closed, budget: budget[definition.name])
        }
        return HTTPResponse.json(encoded: try encoder.encode(nodes, states: states))
    }

    /// Every service's budget figures (absent while its counters are rebuilt from the ledger).
    private func figures() async throws -> [String: BudgetFigures] {
        try await withThrowingTaskGroup(of: (String, BudgetFigures?).self) { group in
            for definition in definitions {
                group.addTask { [budgets] in
                    let snapshot = try await budgets.snapshot(definition.name, dailyLimitMicros: definition.dailyLimitMicros,
                                                              monthlyBudgetMicros: definition.monthlyBudgetMicros)
                    return (definition.name, snapshot.figures)
                }
            }
            var all: [String: BudgetFigures] = [:]
            for try await (service, figures) in group { all[service] = figures }
            return all
        }
    }

    static func rfc3339(ms: Int64) -> String {
        Logger.timestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
