import Glibc

/// Accepts connections on the listening socket (registered on one loop) and spreads them round-robin
/// over all loops; refuses politely past the connection cap.
/// `@unchecked Sendable`: `registrationID` and `closed` are touched only on the acceptor's loop.
final class Acceptor: SelectableHandler, @unchecked Sendable {
    let fd: Int32
    let loop: EventLoop
    let server: ServerContext
    var registrationID: UInt64 = 0
    var closed = false

    init(fd: Int32, loop: EventLoop, server: ServerContext) {
        self.fd = fd
        self.loop = loop
        self.server = server
    }

    func start() throws(SystemError) {
        registrationID = try loop.register(fd: fd, interest: .readable, handler: self)
    }

    func handleEvents(_ events: SelectorEvents) {
        for _ in 0..<64 {
            guard !closed else { return }
            let client: Int32
            do {
                guard case .processed(let accepted) = try Syscall.accept(fd) else { return }
                client = accepted
            } catch {
                if error.errno == ECONNABORTED || error.errno == EPROTO { continue }
                // EMFILE/ENFILE/ENOBUFS: the listening socket stays readable, so level-triggered epoll
                // would spin; stop listening for a moment and let connections wait in the backlog.
                pauseAccepting()
                return
            }
            guard server.reserveConnection() else {
                let refusal = Refusal.bytes(
                    .unavailable("The server is at its connection limit.", retryAfterSeconds: 1),
                    requestID: RequestID.generate(), date: loop.dateCache.current(),
                    serverName: server.configuration.serverName)
                refusal.withUnsafeBytes { _ = try? Syscall.write(client, $0) }
                Syscall.close(client)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let address = SocketAddress.peerName(of: client)
            let target = server.pickLoop()
            let server = self.server
            if target === loop {
                HTTPConnection(fd: client, loop: target, server: server, remoteAddress: address).start()
            } else {
                target.execute {
                    HTTPConnection(fd: client, loop: target, server: server, remoteAddress: address).start()
                }
            }
        }
    }

    private func pauseAccepting() {
        guard (try? loop.modify(fd: fd, id: registrationID, interest: [])) != nil else { return }
        let resumeAt = MonotonicClock.nanoseconds() &+ 100_000_000
        _ = loop.scheduleOnLoop(deadline: resumeAt) { [self] in
            guard !closed else { return }
            try? loop.modify(fd: fd, id: registrationID, interest: .readable)
        }
    }

    /// Stops accepting: the port is released at once.
    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(fd: fd, id: registrationID)
        Syscall.close(fd)
    }
}
