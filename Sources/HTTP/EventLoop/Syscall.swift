import CEpoll
import Glibc

/// The outcome of a non-blocking call: done with a value, or the kernel would have blocked.
enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}

/// Thin wrappers over the system calls the loop uses: retry on EINTR, EAGAIN as `.wouldBlock`,
/// anything else a typed `SystemError`.
enum Syscall {
    @inline(__always)
    static func run(_ call: String, _ body: () -> Int) throws(SystemError) -> IOResult<Int> {
        while true {
            let result = body()
            if result >= 0 { return .processed(result) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw SystemError(call, errno: code)
        }
    }

    /// For calls that never legitimately return EAGAIN (epoll_ctl, bind, ...).
    @discardableResult
    static func check(_ call: String, _ body: () -> Int32) throws(SystemError) -> Int32 {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call, errno: code)
        }
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try run("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try run("write") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// writev(2) semantics through sendmsg(2), which alone accepts MSG_NOSIGNAL (no SIGPIPE on a dead peer).
    static func writev(_ fd: Int32, _ iovecs: UnsafeBufferPointer<iovec>) throws(SystemError) -> IOResult<Int> {
        var message = msghdr()
        message.msg_iov = UnsafeMutablePointer(mutating: iovecs.baseAddress)
        message.msg_iovlen = iovecs.count
        return try run("writev") { Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
    }

    /// Accepts one connection as non-blocking and close-on-exec in a single call.
    static func accept(_ fd: Int32) throws(SystemError) -> IOResult<Int32> {
        switch try run("accept4", { Int(CEpoll.accept4(fd, nil, nil, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))) }) {
        case .processed(let client): return .processed(Int32(client))
        case .wouldBlock: return .wouldBlock
        }
    }

    /// close(2) must not be retried on EINTR on Linux: the descriptor is already gone.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
