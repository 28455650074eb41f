import Logging
import Coordination

/// The server's control messages on the realtime WebSocket, as JSON text (events carry their own
/// pre-built text: `RealtimeEvent.message`).
enum RealtimeServerMessage {
    static let pong = #"{"type":"pong"}"#

    static func subscribed(room: String, recovered: Bool, missed: Int) -> String {
        #"{"type":"subscribed","room":"# + JSONText.quoted(room) + #","recovered":"# + (recovered ? "true" : "false")
            + #","missed":"# + String(missed) + "}"
    }

    static func unsubscribed(room: String) -> String {
        #"{"type":"unsubscribed","room":"# + JSONText.quoted(room) + "}"
    }

    static func error(_ code: String, _ message: String, room: String? = nil) -> String {
        var text = #"{"type":"error","code":"# + JSONText.quoted(code) + #","message":"# + JSONText.quoted(message)
        if let room { text += #","room":"# + JSONText.quoted(room) }
        return text + "}"
    }
}
