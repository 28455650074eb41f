import Glibc

/// One accepted TCP connection on its loop: reads bytes into the parser, dispatches one request at a
/// time to the responder, writes responses in order, and enforces the read timeouts.
///
/// `@unchecked Sendable`: every stored property is read and written only on `loop`'s thread. Other
/// threads (handler tasks) only hold the reference to pass it back through `loop.execute`.
final class HTTPConnection: SelectableHandler, @unchecked Sendable {
    /// Where the connection is in its life.
    enum Phase: Equatable {
        /// Waiting for or parsing a request.
        case reading
        /// A request was dispatched; its response is not complete yet.
        case responding
        /// Upgraded: bytes belong to the WebSocket driver.
        case webSocket
        /// Final response written or being written; draining input before closing.
        case lingering
        case closed
    }

    let fd: Int32
    let loop: EventLoop
    let server: ServerContext
    let remoteAddress: String?
    var registrationID: UInt64 = 0
    var parser: HTTPRequestParser
    var phase: Phase = .reading
    var pending = PendingWrites()
    var interest: SelectorEvents = .readable

    /// The head of the request being received (its body is still arriving).
    var currentHead: HTTPRequestHead?
    var body: [UInt8] = []
    /// Bytes of the server's body budget this connection holds until its response is complete.
    var bodyReserved = 0
    /// Monotonic times that start the header, body, idle and linger clocks.
    var headStartedAt: UInt64?
    var bodyStartedAt: UInt64?
    var idleSince: UInt64
    var lingerStartedAt: UInt64 = 0
    var requestsServed = 0
    var readEOF = false
    var writeShutDown = false
    var shuttingDown = false
    /// Set while `processInput` runs, to make it non-reentrant.
    var processingInput = false
    var timer: ScheduledTask?
    /// Streaming writers waiting for the socket to drain.
    var writeWaiters: [CheckedContinuation<Bool, Never>] = []
    /// Set after a successful upgrade.
    var webSocket: WebSocketConnection?

    init(fd: Int32, loop: EventLoop, server: ServerContext, remoteAddress: String?) {
        self.fd = fd
        self.loop = loop
        self.server = server
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: server.configuration.parserLimits)
        let now = MonotonicClock.nanoseconds()
        self.idleSince = now
        // A new connection must send its first head within the header timeout (slowloris).
        self.headStartedAt = now
    }

    /// Registers with the loop; on failure the fd is closed and the slot released.
    func start() {
        do {
            registrationID = try loop.register(fd: fd, interest: .readable, handler: self)
        } catch {
            Syscall.close(fd)
            server.releaseConnection()
            phase = .closed
            return
        }
        server.registries[loop.index].add(self)
        if server.shuttingDown.load(ordering: .relaxed) { shuttingDown = true }
        updateTimer()
    }

    func handleEvents(_ events: SelectorEvents) {
        if events.contains(.writable) { flush() }
        guard phase != .closed else { return }
        if !events.intersection([.readable, .readHangup, .failure]).isEmpty { readAvailable() }
        guard phase != .closed else { return }
        if events.contains(.failure) && !events.contains(.readable) {
            close()
            return
        }
        updateInterest()
    }

    private func readAvailable() {
        let buffer = loop.readBuffer
        for _ in 0..<4 {
            let result: IOResult<Int>
            do {
                result = try Syscall.read(fd, into: buffer)
            } catch {
                close()
                return
            }
            guard case .processed(let count) = result else { break }
            if count == 0 {
                readEOF = true
                break
            }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            switch phase {
            case .reading, .responding: parser.feed(bytes)
            case .webSocket: webSocket?.received(bytes)
            case .lingering, .closed: break
            }
            guard phase != .closed else { return }
            if count < buffer.count { break }
        }
        switch phase {
        case .reading:
            processInput()
        case .webSocket:
            if readEOF { webSocket?.peerClosed() }
        case .lingering:
            if readEOF { close() }
        case .responding, .closed:
            break
        }
        if phase == .reading && readEOF { close() }
    }

    /// Parses buffered bytes while no request is in flight (pipelined requests wait in the parser).
    func processInput() {
        // A handler that completes synchronously (immediate task) finishes its response inside this
        // loop; the outer call carries on with the next pipelined request instead of recursing.
        guard !processingInput else { return }
        processingInput = true
        defer { processingInput = false }
        // A client that pipelines without reading our answers must not make us queue answers forever.
        while phase == .reading && pending.byteCount < server.configuration.maxPendingOutputBytes {
            let event: HTTPParserEvent?
            do {
                event = try parser.next()
            } catch {
                refuse(status: error.status, code: error.code.rawValue, message: "The request is malformed or exceeds a limit.")
                return
            }
            guard let event else { break }
            switch event {
            case .head(let head):
                currentHead = head
                headStartedAt = nil
                // A bodiless request (most) ends at once: no body clock, and no clock read for it.
                bodyStartedAt = head.framing == .none ? nil : MonotonicClock.nanoseconds()
                if case .length(let length) = head.framing, !reserveBody(length) { return }
                if head.expectsContinue && head.framing != .none {
                    enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
            case .body(let bytes):
                if currentHead?.framing == .chunked && !reserveBody(bytes.count) { return }
                body.append(contentsOf: bytes)
            case .end:
                dispatch()
            }
        }
        if phase == .reading && currentHead == nil && headStartedAt == nil && parser.isReadingHead {
            headStartedAt = MonotonicClock.nanoseconds()
        }
        updateTimer()
    }

    /// Takes `bytes` from the server-wide body budget, or refuses the request with 503 (false).
    private func reserveBody(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        guard server.reserveBody(bytes) else {
            refuse(status: 503, code: "unavailable", message: "The server is busy; retry shortly.",
                   headers: ["Retry-After": "1"])
            return false
        }
        bodyReserved += bytes
        return true
    }

    func releaseBody() {
        server.releaseBody(bodyReserved)
        bodyReserved = 0
    }

    private func dispatch() {
        // take(): moves the head out instead of copying it (retains) and then clearing the property.
        guard let head = currentHead.take() else { return }
        phase = .responding
        bodyStartedAt = nil
        let request = HTTPRequest(head: head, body: body, remoteAddress: remoteAddress)
        body = []
        let responder = server.responder
        // A synchronous answer needs no Task (creation plus executor switches were most of the
        // remaining per-request cost); it is written exactly where the immediate task would have been.
        if let response = responder.respondSynchronously(to: request) {
            writeResponse(response, for: request.head)
            return
        }
        let loop = self.loop
        // Handlers start right here on the loop's thread (an immediate task) and, after any suspension,
        // resume on this loop (task executor preference) unless they hop elsewhere themselves.
        Task.immediate(executorPreference: loop) {
            // `request.head`, not `head`: capturing the head a second time cost retains on every request.
            let response = await responder.respond(to: request)
            if loop.inEventLoop {
                self.writeResponse(response, for: request.head)
            } else {
                loop.execute { self.writeResponse(response, for: request.head) }
            }
        }
    }

    /// Server shutdown: idle connections close now, busy ones after their current response.
    func beginShutdown() {
        shuttingDown = true
        switch phase {
        case .reading:
            if currentHead == nil && parser.isIdle { close() }
        case .webSocket:
            webSocket?.serverShuttingDown()
        case .responding, .lingering, .closed:
            break
        }
    }
}
