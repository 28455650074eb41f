import Glibc

/// Thin, typed wrappers over the socket calls the connection thread makes (retrying EINTR,
/// reporting EAGAIN as "would block").
enum RedisSocket {
    /// Outcome of one read or write, with EINTR already retried.
    enum IOResult {
        case transferred(Int)
        case wouldBlock
        case closed
        case failed(Int32)
    }

    /// Starts a non-blocking TCP connect to `host:port`; the caller polls for writability.
    static func startConnect(host: String, port: Int, resolveTimeout: Duration) throws(RedisError) -> Int32 {
        let address = try RedisAddressResolver.resolve(host: host, port: port, timeout: resolveTimeout)
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(address.family, flags, 0)
        guard fd >= 0 else { throw RedisError(.connectionFailed, "socket() failed: \(errorText(errno))") }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        repeat {
            result = address.bytes.withUnsafeBytes { raw in
                connect(fd, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
        } while result != 0 && errno == EINTR
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw RedisError(.connectionFailed, "cannot connect to Redis at \(host):\(port): \(errorText(code))")
        }
        return fd
    }

    /// After a pending connect became writable: 0 if it succeeded, else the errno.
    static func connectError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { return errno }
        return code
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let count = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .transferred(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// A non-blocking pipe the callers write to so the connection thread leaves `poll`.
    static func makeWakePipe() throws(RedisError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw RedisError(.connectionFailed, "pipe() failed: \(errorText(errno))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
