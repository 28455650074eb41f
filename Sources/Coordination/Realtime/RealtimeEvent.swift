import Logging
import Storage

/// One event of a room, as it travels from the publish script to every subscribed WebSocket.
/// `message` is the exact JSON text clients receive, built once per event and shared by every
/// connection it fans out to (one encoding per node, not per subscriber).
public struct RealtimeEvent: Sendable, Hashable {
    public let room: String
    public let id: RealtimeEventID
    public let event: String
    public let priority: RealtimePriority
    /// Cluster time of the publish (Unix ms, from Redis `TIME`).
    public let timestampMs: Int64
    /// The event's `data`: JSON text, validated when it was published.
    public let data: String
    /// `{"type":"event","room":...,"id":...,"event":...,"priority":...,"data":...,"ts":...}`.
    public let message: String

    public init(room: String, id: RealtimeEventID, event: String, priority: RealtimePriority, timestampMs: Int64, data: String) {
        self.room = room
        self.id = id
        self.event = event
        self.priority = priority
        self.timestampMs = timestampMs
        self.data = data
        message = #"{"type":"event","room":"# + JSONText.quoted(room) + #","id":""# + id.description
            + #"","event":"# + JSONText.quoted(event) + #","priority":""# + priority.rawValue
            + #"","data":"# + data + #","ts":"# + String(timestampMs) + "}"
    }

    /// Reads a pub/sub payload written by `RealtimePublishScript`: `id \n priority \n ts \n event \n data`
    /// (the data last: it is the only part that may hold a newline).
    public init?(room: String, payload: [UInt8]) {
        var fields: [String] = []
        var start = 0
        var index = 0
        while fields.count < 4 && index < payload.count {
            if payload[index] == 0x0A {
                fields.append(String(decoding: payload[start..<index], as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        guard fields.count == 4, let id = RealtimeEventID(fields[0]), let priority = RealtimePriority(rawValue: fields[1]),
              let ts = Int64(fields[2]), let data = String(validating: payload[start...], as: UTF8.self), !data.isEmpty
        else { return nil }
        self.init(room: room, id: id, event: fields[3], priority: priority, timestampMs: ts, data: data)
    }

    /// Reads an `XRANGE` entry of a room's history stream: `[id, [field, value, ...]]` with fields
    /// `p` (priority), `t` (ts), `e` (event), `d` (data), as `RealtimePublishScript` writes them.
    init?(room: String, streamEntry: RedisReply) {
        guard let parts = streamEntry.array, parts.count == 2, let idText = parts[0].string,
              let id = RealtimeEventID(idText), let pairs = parts[1].array, pairs.count % 2 == 0 else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: pairs.count, by: 2) {
            guard let name = pairs[index].string, let value = pairs[index + 1].string else { return nil }
            fields[name] = value
        }
        guard let priority = fields["p"].flatMap(RealtimePriority.init(rawValue:)), let ts = fields["t"].flatMap({ Int64($0) }),
              let event = fields["e"], let data = fields["d"], !data.isEmpty else { return nil }
        self.init(room: room, id: id, event: event, priority: priority, timestampMs: ts, data: data)
    }
}
