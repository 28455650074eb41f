/// The outcome of joining a room: the events missed since the client's `since` id, oldest first,
/// and whether they are all of them (false when history was trimmed or expired past `since`).
public struct RealtimeJoin: Sendable {
    public var recovered: Bool
    public var missed: [RealtimeEvent]
}
