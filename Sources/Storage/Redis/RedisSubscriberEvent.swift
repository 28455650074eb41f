/// What a subscriber's event stream delivers: messages, and the edges of connection gaps so callers
/// know messages may have been missed.
public enum RedisSubscriberEvent: Sendable, Hashable {
    case message(RedisPubSubMessage)
    /// The connection broke; messages published from now on are lost until `.reconnected`.
    case disconnected(RedisError)
    /// Reconnected and every channel and pattern was subscribed again; `downtime` is the gap.
    case reconnected(downtime: Duration)
}

/// One published message.
public struct RedisPubSubMessage: Sendable, Hashable {
    public let channel: String
    /// The pattern that matched, for PSUBSCRIBE deliveries.
    public let pattern: String?
    public let payload: [UInt8]

    public init(channel: String, pattern: String? = nil, payload: [UInt8]) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }

    /// The payload as UTF-8 text, if it is.
    public var string: String? { String(validating: payload, as: UTF8.self) }

    /// Reads `["message", channel, payload]` or `["pmessage", pattern, channel, payload]`.
    init?(push reply: RedisReply) {
        guard case .array(let parts) = reply, let kind = parts.first?.string else { return nil }
        switch (kind, parts.count) {
        case ("message", 3):
            guard let channel = parts[1].string, let payload = parts[2].bytes else { return nil }
            self.init(channel: channel, payload: payload)
        case ("pmessage", 4):
            guard let pattern = parts[1].string, let channel = parts[2].string, let payload = parts[3].bytes else { return nil }
            self.init(channel: channel, pattern: pattern, payload: payload)
        default:
            return nil
        }
    }
}
