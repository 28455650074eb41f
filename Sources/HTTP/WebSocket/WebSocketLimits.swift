/// Bounds on what a peer can make the decoder buffer; every input from outside is bounded (DESIGN.md).
public struct WebSocketLimits: Sendable, Equatable {
    /// Largest single frame payload. 1 MiB: client messages here are small JSON commands
    /// (subscribe, ping), so this is generous while capping memory per connection.
    public var maxFrameSize: Int
    /// Largest reassembled message. Same 1 MiB: fragmenting must not buy a peer more than one frame.
    public var maxMessageSize: Int
    /// Most frames in one fragmented message. 1024: browsers rarely fragment at all, and each frame
    /// costs a header parse, so tiny fragments must not let a peer keep us busy for free.
    public var maxFragmentCount: Int

    public init(maxFrameSize: Int = 1 << 20, maxMessageSize: Int = 1 << 20, maxFragmentCount: Int = 1024) {
        self.maxFrameSize = max(125, maxFrameSize)
        self.maxMessageSize = max(0, maxMessageSize)
        self.maxFragmentCount = max(1, maxFragmentCount)
    }
}
