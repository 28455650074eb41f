/// Bounds on what an upstream controls in a response; exceeding one is a typed error and a closed connection.
public struct HTTPResponseParserLimits: Sendable, Equatable {
    /// Status line plus header lines of one response (and, separately, of its trailers): providers
    /// send a few KB; a larger head is a broken or hostile peer.
    public var maxHeaderBytes: Int = 65_536
    /// Number of header fields (trailers included): APIs send tens, hundreds is an attack on lookup cost.
    public var maxHeaderCount: Int = 200
    /// Largest body kept in memory: provider JSON replies are small; a list export may reach a few MB.
    public var maxBodyBytes: Int = 16 * 1_048_576
    /// Longest chunk-size line including extensions, which we ignore.
    public var maxChunkLineLength: Int = 1_024

    public init() {}
}
