import Synchronization

/// A Lua script run by SHA (EVALSHA) after loading it once; the SHA comes from SCRIPT LOAD, so no
/// hashing code lives here. Share one instance per script: it remembers its SHA.
public final class RedisScript: Sendable {
    public let source: String
    /// Filled by the first SCRIPT LOAD; Redis returns the same SHA1 every time for the same source.
    private let loadedSHA = Mutex<String?>(nil)

    public init(_ source: String) {
        self.source = source
    }

    /// The SHA1 Redis reported, once loaded.
    public var sha1: String? { loadedSHA.withLock { $0 } }

    func remember(_ sha: String) {
        loadedSHA.withLock { $0 = sha }
    }
}
