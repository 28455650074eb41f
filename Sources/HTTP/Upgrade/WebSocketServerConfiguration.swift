/// Limits and timers of upgraded WebSocket connections.
public struct WebSocketServerConfiguration: Sendable {
    /// Largest reassembled message; bigger closes with 1009. Clients only send small JSON commands
    /// (subscribe, unsubscribe, ping: well under 1 KiB) to our realtime endpoint, and with up to
    /// `maxInboundBacklog` messages buffered per connection over 10k+ connections, 1 MiB allowed
    /// gigabytes; 64 KiB keeps the worst case at 4 MiB per connection. The echo bench raises it.
    public var maxMessageBytes: Int = 65_536
    /// Largest single frame payload accepted (bounds buffering before a message completes).
    public var maxFrameBytes: Int = 65_536
    /// Fragments per message: bounds per-message bookkeeping.
    public var maxFragments: Int = 1_024
    /// Outbound messages held while the socket is busy; sends beyond it are refused (slow consumer).
    public var maxOutboundMessages: Int = 1_024
    /// Bytes of those messages held at most: 1,024 messages of 64 KiB would be 64 MiB for one slow
    /// reader. Past it sends are refused like past the message count (the application decides what
    /// to drop: the realtime session keeps critical events and sheds low ones).
    public var maxOutboundBytes: Int = 1_048_576
    /// Inbound messages handed to the handler but not yet handled before we stop reading the socket.
    public var maxInboundBacklog: Int = 64
    /// Server ping interval: keeps NAT/LB mappings alive and detects dead peers.
    public var pingInterval: Duration = .seconds(30)
    /// A peer silent (no frame at all, pong included) this long is considered dead and dropped.
    public var deadPeerTimeout: Duration = .seconds(75)
    /// How long we wait for the peer's Close after sending ours before dropping the TCP connection.
    public var closeTimeout: Duration = .seconds(5)

    public init() {}

    var limits: WebSocketLimits {
        WebSocketLimits(maxFrameSize: maxFrameBytes, maxMessageSize: maxMessageBytes, maxFragmentCount: maxFragments)
    }
}
