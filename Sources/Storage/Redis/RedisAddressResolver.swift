import Dispatch
import Foundation
import Glibc
import Synchronization

/// Resolves the Redis host within the connect timeout. getaddrinfo cannot be cancelled and can
/// block for many seconds on an unresponsive DNS server, so names (not IP literals) are looked up
/// on a short-lived helper thread while the connection thread waits at most `timeout`.
enum RedisAddressResolver {
    /// A resolved socket address (the raw `sockaddr_in`/`sockaddr_in6` bytes).
    struct Address: Sendable {
        var family: Int32
        var bytes: [UInt8]
    }

    /// Where the helper thread leaves its answer.
    private final class Slot: Sendable {
        let value = Mutex<Result<Address, RedisError>?>(nil)
    }

    /// A lookup running on its helper thread. The I/O thread polls it instead of waiting: it drives
    /// other connections too, and a lookup may block for seconds.
    final class Lookup: Sendable {
        fileprivate let slot = Mutex<Result<Address, RedisError>?>(nil)
        /// The answer once the helper thread has one.
        var result: Result<Address, RedisError>? { slot.withLock { $0 } }
    }

    /// An IP literal needs no lookup (and no thread).
    static func numeric(host: String, port: Int) -> Address? {
        if case .success(let literal) = lookup(host, port, numericOnly: true) { return literal }
        return nil
    }

    /// Starts looking `host` up on a helper thread, which calls `done` once the answer is in.
    static func start(host: String, port: Int, using resolver: @escaping LookupFunction,
                      done: @escaping @Sendable () -> Void) -> Lookup {
        let pending = Lookup()
        Thread {
            let result = resolver(host, port)
            pending.slot.withLock { $0 = result }
            done()
        }.start()
        return pending
    }

    /// How a name becomes an address (tests substitute a slow one).
    typealias LookupFunction = @Sendable (_ host: String, _ port: Int) -> Result<Address, RedisError>

    /// The system resolver (getaddrinfo).
    static let system: LookupFunction = { host, port in lookup(host, port, numericOnly: false) }

    static func resolve(host: String, port: Int, timeout: Duration,
                        using resolver: @escaping LookupFunction = system) throws(RedisError) -> Address {
        if case .success(let literal) = lookup(host, port, numericOnly: true) { return literal }
        let slot = Slot()
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = resolver(host, port)
            slot.value.withLock { $0 = result }
            done.signal()
        }.start()
        let parts = timeout.components
        let nanoseconds = Int(clamping: parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(max(nanoseconds, 0))) == .success,
              let result = slot.value.withLock({ $0 }) else {
            throw RedisError(.connectionFailed, "resolving Redis host \(host) took longer than \(timeout)")
        }
        return try result.get()
    }

    /// One getaddrinfo call; prefers IPv4 (Redis binds 127.0.0.1 by default while `localhost` may
    /// resolve to ::1 first).
    private static func lookup(_ host: String, _ port: Int, numericOnly: Bool) -> Result<Address, RedisError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = numericOnly ? AI_NUMERICHOST | AI_NUMERICSERV : AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            return .failure(RedisError(.connectionFailed, "cannot resolve Redis host \(host): \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var chosen = first
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if entry.pointee.ai_family == AF_INET { chosen = entry; break }
            cursor = entry.pointee.ai_next
        }
        let info = chosen.pointee
        guard let address = info.ai_addr else {
            return .failure(RedisError(.connectionFailed, "cannot resolve Redis host \(host): no address"))
        }
        let bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen)))
        return .success(Address(family: info.ai_family, bytes: bytes))
    }
}
