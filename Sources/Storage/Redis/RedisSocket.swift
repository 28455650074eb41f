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
    /// `commandTimeout` sizes the kernel's dead-peer detection (see `detectDeadPeer`).
    static func startConnect(host: String, port: Int, resolveTimeout: Duration, commandTimeout: Duration,
                             using resolver: @escaping RedisAddressResolver.LookupFunction = RedisAddressResolver.system)
        throws(RedisError) -> Int32 {
        let address = try RedisAddressResolver.resolve(host: host, port: port, timeout: resolveTimeout, using: resolver)
        return try startConnect(to: address, host: host, port: port, commandTimeout: commandTimeout)
    }

    /// Starts a non-blocking TCP connect to an already resolved address (`host`, `port` for errors).
    static func startConnect(to address: RedisAddressResolver.Address, host: String, port: Int,
                             commandTimeout: Duration) throws(RedisError) -> Int32 {
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(address.family, flags, 0)
        guard fd >= 0 else { throw RedisError(.connectionFailed, "socket() failed: \(errorText(errno))") }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        detectDeadPeer(fd, commandTimeout: commandTimeout)
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

    /// Keep-alive probes after this long without traffic: an idle connection whose peer vanished
    /// (NAT or firewall dropped the flow) is noticed within idle + interval x count = 25 s.
    static let keepAliveIdleSeconds: Int32 = 10
    static let keepAliveIntervalSeconds: Int32 = 5
    static let keepAliveProbes: Int32 = 3

    /// The kernel's bound on unacknowledged written data: twice the command timeout, at least
    /// 10 s. Without it a busy connection to a vanished peer retransmits for about 15 minutes
    /// (keep-alive probes do not run while data is outstanding) and looks connected all along.
    static func userTimeoutMilliseconds(commandTimeout: Duration) -> UInt32 {
        let doubled = commandTimeout.components.seconds.multipliedReportingOverflow(by: 2_000)
        let milliseconds = doubled.overflow ? Int64(UInt32.max) : doubled.partialValue
        return UInt32(clamping: max(milliseconds, 10_000))
    }

    /// Makes the kernel close a connection whose peer silently disappeared, so the read fails
    /// with ETIMEDOUT and the state machine reconnects. Failures are ignored: the stall check in
    /// `RedisConnectionStateMachine` still catches a dead connection that has commands pending.
    static func detectDeadPeer(_ fd: Int32, commandTimeout: Duration) {
        let size = socklen_t(MemoryLayout<Int32>.size)
        var on: Int32 = 1
        var idle = keepAliveIdleSeconds
        var interval = keepAliveIntervalSeconds
        var probes = keepAliveProbes
        var userTimeout = userTimeoutMilliseconds(commandTimeout: commandTimeout)
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &probes, size)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &userTimeout, socklen_t(MemoryLayout<UInt32>.size))
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
