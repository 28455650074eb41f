import HTTP
import Synchronization

/// The node's one outbound HTTP client, started on the server's event loops once the server exists
/// (features and routes are built before it). Calls made before it started, or after it stopped,
/// are refused as a dependency that is not there yet, never left hanging.
final class UpstreamClientSlot: Sendable {
    private let value = Mutex<HTTPClient?>(nil)

    var client: HTTPClient? { value.withLock { $0 } }

    func start(loops: EventLoopGroup, configuration: HTTPClientConfiguration) {
        value.withLock { $0 = HTTPClient(loops: loops, configuration: configuration) }
    }

    /// Closes pooled connections; in-flight calls end with an error.
    func shutdown() async {
        let client = value.withLock { slot -> HTTPClient? in
            defer { slot = nil }
            return slot
        }
        await client?.shutdown()
    }
}
