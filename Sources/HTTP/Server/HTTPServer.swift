import Dispatch
import Glibc
import Synchronization

/// The HTTP/1.1 server: a listening socket, a group of epoll loops and a responder.
///
///     let server = try HTTPServer(configuration: config, router: router)
///     try await server.listen()
///     print(server.localPort)
///     await server.shutdown(deadline: .seconds(10))
///
/// Each connection lives on one event loop; its handler runs as a task that prefers that loop, so a
/// handler that never suspends elsewhere costs no thread hop. Handlers must therefore not block (no
/// sleeping, no blocking I/O): await instead, and results hop back to the connection's loop by themselves.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let group: EventLoopGroup
    let context: ServerContext
    private let state = Mutex<LifecycleState>(LifecycleState())
    private let hooks = Mutex<[@Sendable () async -> Void]>([])

    /// What has happened to the server so far.
    private struct LifecycleState {
        var acceptor: Acceptor?
        var port: Int?
        var started = false
        var shutDown = false
    }

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) throws(HTTPServerError) {
        self.configuration = configuration
        do {
            group = try EventLoopGroup(loopCount: configuration.loopCount)
        } catch {
            throw HTTPServerError(error)
        }
        context = ServerContext(configuration: configuration, responder: responder, loops: group.loops)
    }

    /// The server's event loops (to attach other I/O to them, see `EventLoop.attachSource`).
    public var eventLoops: [EventLoop] { group.loops }
    /// The same loops as a group (an outbound `HTTPClient` runs its connections on them, so an
    /// upstream call and the request that made it share a thread).
    public var eventLoopGroup: EventLoopGroup { group }

    public convenience init(configuration: HTTPServerConfiguration, router: Router) throws(HTTPServerError) {
        try self.init(configuration: configuration, responder: router.build())
    }

    /// Binds and starts accepting, for async callers: waits for the acceptor's registration without
    /// blocking a thread of the cooperative pool. Throws if the address is unusable or the server
    /// already started. (Not an `async` overload of `start()`: in async code Swift would pick it for
    /// every existing `try server.start()` call and reject them for the missing `await`.)
    public func listen() async throws(HTTPServerError) {
        let (acceptor, port) = try bind()
        let failure = await acceptor.loop.submit { () -> SystemError? in
            do throws(SystemError) { try acceptor.start() } catch { return error }
            return nil
        }
        try finishStart(acceptor, port: port, failure: failure)
    }

    /// Synchronous variant for callers outside async code (top-level setup, tests without a task):
    /// blocks the calling thread on a semaphore until the loop has registered the listening socket
    /// (microseconds, but it parks the thread). Async code should call `listen()` instead.
    public func start() throws(HTTPServerError) {
        let (acceptor, port) = try bind()
        let registered = Mutex<SystemError?>(nil)
        let semaphore = DispatchSemaphore(value: 0)
        acceptor.loop.execute {
            do throws(SystemError) { try acceptor.start() } catch { registered.withLock { $0 = error } }
            semaphore.signal()
        }
        semaphore.wait()
        try finishStart(acceptor, port: port, failure: registered.withLock { $0 })
    }

    /// Claims the one start and opens the listening socket.
    private func bind() throws(HTTPServerError) -> (Acceptor, Int) {
        let alreadyStarted = state.withLock { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw HTTPServerError(.alreadyStarted, "start() was already called") }
        // Writes use MSG_NOSIGNAL; this also covers any path that does not.
        signal(SIGPIPE, SIG_IGN)
        let (fd, port) = try SocketAddress.listen(host: configuration.host, port: configuration.port,
                                                  backlog: configuration.backlog)
        return (Acceptor(fd: fd, loop: group.loops[0], server: context), port)
    }

    private func finishStart(_ acceptor: Acceptor, port: Int, failure: SystemError?) throws(HTTPServerError) {
        if let failure {
            Syscall.close(acceptor.fd)
            throw HTTPServerError(failure)
        }
        state.withLock { state in
            state.acceptor = acceptor
            state.port = port
        }
    }

    /// The bound port (useful with port 0), nil before `start()`.
    public var localPort: Int? { state.withLock { $0.port } }

    /// Open connections right now (HTTP and WebSocket).
    public var openConnections: Int { context.openConnections.load(ordering: .relaxed) }

    /// Open WebSocket connections right now (included in `openConnections`).
    public var openWebSockets: Int { context.openWebSockets.load(ordering: .relaxed) }

    /// Runs `hook` at the start of `shutdown`, e.g. to tell WebSocket rooms the node is leaving.
    public func onShutdown(_ hook: @escaping @Sendable () async -> Void) {
        hooks.withLock { $0.append(hook) }
    }

    /// Stops accepting, closes idle keep-alive connections, lets in-flight requests finish and
    /// closes WebSocket connections with 1001, then force-closes whatever is left at the deadline
    /// and stops the loops. Safe to call more than once.
    public func shutdown(deadline: Duration = .seconds(10)) async {
        let (acceptor, first) = state.withLock { state -> (Acceptor?, Bool) in
            defer { state.shutDown = true; state.acceptor = nil }
            return (state.acceptor, !state.shutDown)
        }
        guard first else { return }
        context.shuttingDown.store(true, ordering: .relaxed)
        if let acceptor { await acceptor.loop.submit { acceptor.close() } }
        for hook in hooks.withLock({ $0 }) { await hook() }
        for (loop, registry) in zip(group.loops, context.registries) {
            await loop.submit { registry.beginShutdown() }
        }
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while context.openConnections.load(ordering: .relaxed) > 0 && clock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for (loop, registry) in zip(group.loops, context.registries) {
            await loop.submit { registry.closeAll() }
        }
        await group.shutdown()
    }

    /// Waits for SIGTERM or SIGINT, then shuts down gracefully within `deadline`.
    public func shutdownOnSignal(deadline: Duration = .seconds(10)) async {
        let signals = [SIGTERM, SIGINT]
        for number in signals { signal(number, SIG_IGN) }
        let queue = DispatchQueue(label: "http-signals")
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Mutex<CheckedContinuation<Void, Never>?>(continuation)
            for source in sources {
                source.setEventHandler { once.withLock { $0.take() }?.resume() }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
        await shutdown(deadline: deadline)
    }
}
