import Auth

/// The rooms a dashboard can join and the lowest role each admits (API.md, Realtime).
struct RealtimeRoomCatalog: Sendable {
    let minimumRoles: [String: Role]

    static let standard = RealtimeRoomCatalog(minimumRoles: [
        "api_status_updates": .user,
        "batching_performance": .user,
        "webhook_events": .manager,
        "cost_monitoring": .manager,
        "rate_limit_alerts": .manager,
    ])

    var names: [String] { minimumRoles.keys.sorted() }

    subscript(room: String) -> Role? { minimumRoles[room] }
}
