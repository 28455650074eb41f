import Dispatch
import Glibc
import Synchronization

/// One address getaddrinfo returned, copied out so it outlives `freeaddrinfo`.
struct ResolvedAddress: Sendable {
    var family: Int32
    var storage: sockaddr_storage
    var length: socklen_t
}

/// DNS off the event loops: getaddrinfo blocks (and cannot be cancelled), so it runs on a Dispatch
/// worker and the caller stops waiting at its deadline (the lookup then finishes unobserved).
enum AddressResolver {
    static func resolve(host: String, port: Int, timeout: Duration, timeoutError: HTTPClientError,
                        on loop: EventLoop) async -> Result<[ResolvedAddress], HTTPClientError> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<[ResolvedAddress], HTTPClientError>, Never>) in
            let once = Once(continuation)
            let timer = loop.scheduleTask(in: timeout) { once.resume(.failure(timeoutError)) }
            DispatchQueue.global().async {
                let result = lookup(host: host, port: port)
                timer.cancel()
                once.resume(result)
            }
        }
    }

    /// The blocking lookup: every TCP address of host:port, in getaddrinfo's order.
    static func lookup(host: String, port: Int) -> Result<[ResolvedAddress], HTTPClientError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { return .failure(.dns("\(host): \(String(cString: gai_strerror(status)))")) }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var next = list
        while let entry = next {
            let info = entry.pointee
            if let address = info.ai_addr, Int(info.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen)))
                }
                addresses.append(ResolvedAddress(family: info.ai_family, storage: storage, length: info.ai_addrlen))
            }
            next = info.ai_next
        }
        return addresses.isEmpty ? .failure(.dns("\(host): no addresses")) : .success(addresses)
    }

    /// Resumes a continuation at most once, whichever of the lookup and the timer comes first.
    final class Once: Sendable {
        private let continuation: Mutex<CheckedContinuation<Result<[ResolvedAddress], HTTPClientError>, Never>?>
        init(_ continuation: CheckedContinuation<Result<[ResolvedAddress], HTTPClientError>, Never>) {
            self.continuation = Mutex(continuation)
        }
        func resume(_ result: Result<[ResolvedAddress], HTTPClientError>) {
            let taken = continuation.withLock { value in
                defer { value = nil }
                return value
            }
            taken?.resume(returning: result)
        }
    }
}
