import Foundation

/// Everything an operator may tune on the server, each default with its reason.
public struct HTTPServerConfiguration: Sendable {
    /// Interface to bind: loopback by default so a dev node is not exposed by accident.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one (tests), read it back from `HTTPServer.localPort`.
    public var port: Int = 8080
    /// Event loops (threads): one per core keeps every core busy without oversubscription.
    public var loopCount: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Open connections allowed at once: 10k idle WebSockets is the design target, plus headroom.
    public var maxConnections: Int = 16_384
    /// listen(2) backlog: absorbs connection bursts while loops are busy.
    public var backlog: Int32 = 1_024
    /// Time to receive a complete request head from its first byte (or from accept): slowloris guard.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Time to receive a complete body once the head is in: slow-upload guard.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// Keep-alive connections with no request in flight are closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a closing connection keeps draining input so the client reads our final response.
    public var lingerTimeout: Duration = .seconds(2)
    /// Request syntax limits (414/431/413 ...).
    public var parserLimits = HTTPParserLimits()
    /// Bytes buffered beyond the request in flight (pipelining) before we stop reading the socket.
    public var maxPipelineBufferBytes: Int = 256 * 1024
    /// Unsent response bytes per connection before we stop reading further pipelined requests.
    public var maxPendingOutputBytes: Int = 1_048_576
    /// Request-body bytes buffered at once across all connections (bodies are fully buffered before
    /// dispatch): without it 16,384 connections x 1 MiB could pin 16 GiB. Past it a request gets 503
    /// with Retry-After; our API bodies are small JSON, so 256 MiB is only reached under abuse.
    public var maxInFlightBodyBytes: Int = 256 * 1_048_576
    /// Value of the `Server` header; nil omits it (it only helps fingerprinting).
    public var serverName: String? = nil
    /// The WebSocket limits and timers used by upgraded connections.
    public var webSocket = WebSocketServerConfiguration()

    public init() {}

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }
}
