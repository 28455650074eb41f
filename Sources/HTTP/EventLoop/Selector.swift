import CEpoll
import Glibc

/// Readiness a registration asks for and receives.
struct SelectorEvents: OptionSet, Sendable {
    let rawValue: UInt32
    static let readable = SelectorEvents(rawValue: EPOLLIN.rawValue)
    static let writable = SelectorEvents(rawValue: EPOLLOUT.rawValue)
    /// The peer shut down its sending side (read will return 0).
    static let readHangup = SelectorEvents(rawValue: EPOLLRDHUP.rawValue)
    /// Both directions are gone or the socket has an error; always reported, whatever the interest.
    static let failure = SelectorEvents(rawValue: EPOLLHUP.rawValue | EPOLLERR.rawValue)
}

/// The epoll instance of one loop plus the eventfd that wakes it from other threads.
/// Events carry a registration id (never the fd) so a reused fd cannot receive a stale event.
final class Selector {
    let epollFD: Int32
    let wakeFD: Int32
    private var events: UnsafeMutableBufferPointer<epoll_event>
    static let wakeRegistration: UInt64 = 0

    init(maxEvents: Int = 256) throws(SystemError) {
        epollFD = try Syscall.check("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            wakeFD = try Syscall.check("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        } catch {
            Syscall.close(epollFD)
            throw error
        }
        events = .allocate(capacity: maxEvents)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.wakeRegistration))
        let epollFD = self.epollFD, wakeFD = self.wakeFD
        try Syscall.check("epoll_ctl") { epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) }
    }

    deinit {
        events.deallocate()
        Syscall.close(wakeFD)
        Syscall.close(epollFD)
    }

    func register(fd: Int32, id: UInt64, interest: SelectorEvents, exclusive: Bool = false) throws(SystemError) {
        var flags = Self.flags(interest)
        if exclusive { flags |= EPOLLEXCLUSIVE.rawValue }
        var event = epoll_event(events: flags, data: epoll_data_t(u64: id))
        let epollFD = self.epollFD
        try Syscall.check("epoll_ctl") { epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) }
    }

    func modify(fd: Int32, id: UInt64, interest: SelectorEvents) throws(SystemError) {
        var event = epoll_event(events: Self.flags(interest), data: epoll_data_t(u64: id))
        let epollFD = self.epollFD
        try Syscall.check("epoll_ctl") { epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) }
    }

    /// RDHUP only while reading: level-triggered, it would otherwise fire forever on a paused reader.
    private static func flags(_ interest: SelectorEvents) -> UInt32 {
        interest.contains(.readable) ? interest.rawValue | EPOLLRDHUP.rawValue : interest.rawValue
    }

    func deregister(fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeoutMilliseconds` (-1 forever) and calls `body` per ready registration.
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, SelectorEvents) -> Void) throws(SystemError) {
        let count = epoll_wait(epollFD, events.baseAddress, Int32(events.count), timeoutMilliseconds)
        if count < 0 {
            let code = errno
            if code == EINTR { return }
            throw SystemError("epoll_wait", errno: code)
        }
        for index in 0..<Int(count) {
            let event = events[index]
            let id = event.data.u64
            if id == Self.wakeRegistration {
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
                continue
            }
            body(id, SelectorEvents(rawValue: event.events))
        }
    }

    /// Safe from any thread: eventfd writes are atomic.
    func wakeUp() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }
}
