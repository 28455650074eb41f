/// Bounds on everything a peer controls in a request; exceeding one is a typed error and a closed connection.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line (method, target, version): long enough for big query strings, 414 past it.
    public var maxRequestLineLength: Int = 8_192
    /// Total bytes of all header lines of one request (trailers get the same budget): 431 past it.
    public var maxHeaderBytes: Int = 16_384
    /// Number of header fields: a handful is normal, hundreds is an attack on lookup cost. 431 past it.
    public var maxHeaderCount: Int = 100
    /// Largest body accepted, fixed-length or chunked: the API takes small JSON documents. 413 past it.
    public var maxBodyBytes: Int = 1_048_576
    /// Longest chunk-size line including extensions, which we ignore: 400 past it.
    public var maxChunkLineLength: Int = 1_024
    /// Empty lines tolerated before a request line (RFC 9112 2.2 asks to ignore at least one).
    public var maxLeadingEmptyLines: Int = 4

    public init() {}
}
