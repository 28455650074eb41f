/// Lets a streaming response write chunks from any task; each write hops to the connection's loop and
/// returns once the bytes are queued below the back-pressure mark (or the connection is gone).
public struct HTTPBodyWriter: Sendable {
    let sink: @Sendable ([UInt8]) async throws(HTTPServerError) -> Void

    package init(sink: @escaping @Sendable ([UInt8]) async throws(HTTPServerError) -> Void) {
        self.sink = sink
    }

    /// Queues `bytes` as one chunk; throws `HTTPServerError.connectionClosed` if the peer went away.
    public func write(_ bytes: [UInt8]) async throws(HTTPServerError) {
        guard !bytes.isEmpty else { return }
        try await sink(bytes)
    }

    public func write(_ text: String) async throws(HTTPServerError) {
        try await write(Array(text.utf8))
    }
}
