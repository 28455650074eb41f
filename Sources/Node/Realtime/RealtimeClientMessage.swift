/// What a client may send on the realtime WebSocket: `subscribe` (with `since` to recover),
/// `unsubscribe`, `ping`.
struct RealtimeClientMessage: Decodable, Sendable {
    enum Kind: String, Decodable, Sendable {
        case subscribe
        case unsubscribe
        case ping
    }

    var type: Kind
    var room: String?
    var since: String?
}
