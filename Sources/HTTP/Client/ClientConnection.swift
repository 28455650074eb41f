import Glibc

/// One outbound TCP connection on its loop: connects (trying each address), runs the stream layer's
/// handshake, then carries one request/response exchange at a time.
///
/// Safety of `@unchecked Sendable`: the pool and the client hold references from any thread, but every
/// `var` here is read and written only on `loop`'s thread; other threads reach the connection only
/// through `loop.execute`.
final class ClientConnection: SelectableHandler, @unchecked Sendable {
    enum Phase { case connecting, handshaking, idle, busy, closed }

    /// How an exchange ended; `requestSent` says whether request bytes may have reached the server.
    enum ExchangeResult: Sendable {
        case response(HTTPParsedResponse)
        case failure(HTTPClientError, requestSent: Bool)
    }

    let loop: EventLoop
    let origin: HTTPOrigin
    private let layer: any ClientStreamLayer
    private var parser: HTTPResponseParser
    private let idleTimeout: Duration
    /// Asks the pool to drop this connection if it is idle there; true when it did (then we close).
    var leaveIdlePool: (() -> Bool)?

    private var fd: Int32 = -1
    private var registration: UInt64?
    private var interest: SelectorEvents = []
    private(set) var phase: Phase = .connecting
    private var addresses: [ResolvedAddress] = []
    private var nextAddress = 0
    private var lastConnectError = "no address"
    private var output: [UInt8] = []
    private var outputStart = 0
    private var timer: ScheduledTask?
    private var idleGeneration = 0
    private var connectDone: ((Result<Void, HTTPClientError>) -> Void)?
    private var exchangeDone: ((ExchangeResult) -> Void)?
    private var requestSent = false
    private var closeAfterResponse = false

    init(loop: EventLoop, origin: HTTPOrigin, layer: any ClientStreamLayer, limits: HTTPResponseParserLimits, idleTimeout: Duration) {
        self.loop = loop
        self.origin = origin
        self.layer = layer
        self.parser = HTTPResponseParser(limits: limits)
        self.idleTimeout = idleTimeout
    }

    // MARK: connecting

    /// Connects to the first address that accepts, then completes the layer's handshake, within `timeout`.
    func connect(to addresses: [ResolvedAddress], timeout: Duration, timeoutError: HTTPClientError,
                 _ done: @escaping (Result<Void, HTTPClientError>) -> Void) {
        self.addresses = addresses
        connectDone = done
        timer = loop.scheduleOnLoop(deadline: Self.deadline(after: timeout)) { [self] in
            failConnect(timeoutError)
        }
        tryNextAddress()
    }

    private func tryNextAddress() {
        while nextAddress < addresses.count {
            var address = addresses[nextAddress]
            nextAddress += 1
            let socketFD = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard socketFD >= 0 else {
                lastConnectError = SystemError("socket", errno: errno).description
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let length = address.length
            let result = withUnsafePointer(to: &address.storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socketFD, $0, length) }
            }
            let code = errno
            fd = socketFD
            if result == 0 || code == EINPROGRESS {
                do {
                    registration = try loop.register(fd: fd, interest: .writable, handler: self)
                    interest = .writable
                } catch {
                    lastConnectError = error.description
                    closeSocket()
                    continue
                }
                return
            }
            lastConnectError = SystemError("connect", errno: code).description
            closeSocket()
        }
        failConnect(.connectFailed(lastConnectError))
    }

    /// The socket became writable while connecting: SO_ERROR says whether the connect succeeded.
    private func finishTCPConnect() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
        guard error == 0 else {
            lastConnectError = SystemError("connect", errno: error).description
            closeSocket()
            tryNextAddress()
            return
        }
        phase = .handshaking
        do {
            try layer.start()
        } catch {
            failConnect(.tls(error.message))
            return
        }
        pumpOutbound()
        checkReady()
    }

    private func checkReady() {
        guard phase == .handshaking, layer.isReady else { return }
        phase = .idle
        timer?.cancel()
        timer = nil
        updateInterest()
        let done = connectDone
        connectDone = nil
        done?(.success(()))
    }

    private func failConnect(_ error: HTTPClientError) {
        guard let done = connectDone else { return }
        connectDone = nil
        close()
        done(.failure(error))
    }

    // MARK: exchanges

    /// Sends `request` (already encoded) and reads one response, within `timeout`.
    func exchange(_ request: [UInt8], isHead: Bool, closeAfter: Bool, timeout: Duration, timeoutError: HTTPClientError,
                  _ done: @escaping (ExchangeResult) -> Void) {
        guard phase == .idle else {
            // Closed while it waited in the pool (peer or idle timer): nothing was sent.
            done(.failure(.connectionClosed, requestSent: false))
            return
        }
        phase = .busy
        idleGeneration += 1
        timer?.cancel()
        exchangeDone = done
        requestSent = false
        closeAfterResponse = closeAfter
        parser.requestMethodIsHead = isHead
        timer = loop.scheduleOnLoop(deadline: Self.deadline(after: timeout)) { [self] in
            finishExchange(.failure(timeoutError, requestSent: requestSent), reusable: false)
        }
        do {
            try layer.send(request)
        } catch {
            finishExchange(.failure(.tls(error.message), requestSent: false), reusable: false)
            return
        }
        requestSent = true
        pumpOutbound()
        if phase == .busy { updateInterest() }
    }

    private func finishExchange(_ result: ExchangeResult, reusable: Bool) {
        guard let done = exchangeDone else { return }
        exchangeDone = nil
        timer?.cancel()
        timer = nil
        if reusable && phase == .busy {
            phase = .idle
            updateInterest()
            scheduleIdleTimer()
        } else {
            close()
        }
        done(result)
    }

    private func scheduleIdleTimer() {
        let generation = idleGeneration
        timer = loop.scheduleOnLoop(deadline: Self.deadline(after: idleTimeout)) { [self] in
            guard phase == .idle, generation == idleGeneration else { return }
            if leaveIdlePool?() ?? true { close() }
        }
    }

    // MARK: events

    func handleEvents(_ events: SelectorEvents) {
        switch phase {
        case .closed:
            return
        case .connecting:
            finishTCPConnect()
        case .handshaking, .idle, .busy:
            if !events.intersection([.readable, .readHangup, .failure]).isEmpty { readInput() }
            if phase != .closed && events.contains(.writable) { flushOutput() }
        }
    }

    private func readInput() {
        let buffer = loop.readBuffer
        while phase != .closed {
            let count: Int
            do {
                switch try Syscall.read(fd, into: buffer) {
                case .wouldBlock: return
                case .processed(let read): count = read
                }
            } catch {
                lost(SystemError("read", errno: error.errno).description)
                return
            }
            if count == 0 {
                endOfStream()
                return
            }
            let plaintext: [UInt8]
            do {
                plaintext = try layer.received(Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count])))
            } catch {
                if phase == .handshaking { failConnect(.tls(error.message)) } else { failExchange(.tls(error.message)) }
                return
            }
            pumpOutbound()
            switch phase {
            case .handshaking:
                if !plaintext.isEmpty { parser.feed(plaintext) }
                checkReady()
            case .idle:
                // TLS session tickets arrive here and decode to nothing; real bytes are a server
                // talking out of turn, and the connection can no longer be trusted.
                if !plaintext.isEmpty { leaveIdle() }
            case .busy:
                parser.feed(plaintext)
                parseResponse()
            case .connecting, .closed:
                return
            }
        }
    }

    private func parseResponse() {
        do {
            guard let response = try parser.next() else { return }
            // Reusable only if both directions are at a message boundary: nothing unread, nothing unsent
            // (a server may answer before it has read our whole body).
            let reusable = response.keepAlive && !closeAfterResponse && parser.bufferedByteCount == 0
                && outputStart == output.count
            finishExchange(.response(response), reusable: reusable)
        } catch {
            finishExchange(.failure(HTTPClientError(error), requestSent: true), reusable: false)
        }
    }

    private func endOfStream() {
        switch phase {
        case .handshaking:
            failConnect(.tls("connection closed during the handshake"))
        case .idle:
            leaveIdle()
        case .busy:
            do {
                if let response = try parser.finish() {
                    finishExchange(.response(response), reusable: false)
                } else {
                    finishExchange(.failure(.connectionClosed, requestSent: requestSent), reusable: false)
                }
            } catch {
                finishExchange(.failure(HTTPClientError(error), requestSent: requestSent), reusable: false)
            }
        case .connecting, .closed:
            close()
        }
    }

    /// A read or write failed (reset by peer, broken pipe).
    private func lost(_ detail: String) {
        switch phase {
        case .connecting, .handshaking: failConnect(.connectFailed(detail))
        case .busy: failExchange(.connectionClosed)
        case .idle: leaveIdle()
        case .closed: return
        }
    }

    private func failExchange(_ error: HTTPClientError) {
        finishExchange(.failure(error, requestSent: requestSent), reusable: false)
    }

    /// An idle connection the peer closed or broke: out of the pool and closed. If a request took it
    /// meanwhile, that request finds it closed and fails as "never sent" (safe to retry).
    private func leaveIdle() {
        _ = leaveIdlePool?()
        close()
    }

    // MARK: output

    private func pumpOutbound() {
        let bytes = layer.takeOutbound()
        if !bytes.isEmpty {
            if outputStart > 0 && outputStart == output.count {
                output.removeAll(keepingCapacity: true)
                outputStart = 0
            }
            output.append(contentsOf: bytes)
        }
        flushOutput()
    }

    private func flushOutput() {
        while outputStart < output.count && phase != .closed {
            let start = outputStart, socketFD = fd
            // withUnsafeBytes rethrows untyped: carry the typed error out in a Result.
            let result = output.withUnsafeBytes { raw in
                Result { () throws(SystemError) -> IOResult<Int> in
                    try Syscall.write(socketFD, UnsafeRawBufferPointer(rebasing: raw[start...]))
                }
            }
            switch result {
            case .failure(let error):
                lost(error.description)
                return
            case .success(.processed(let written)): outputStart += written
            case .success(.wouldBlock):
                updateInterest()
                return
            }
        }
        if outputStart == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 65_536)
            outputStart = 0
        }
        updateInterest()
    }

    private func updateInterest() {
        guard let registration, phase != .closed, phase != .connecting else { return }
        var wanted: SelectorEvents = [.readable]
        if outputStart < output.count { wanted.insert(.writable) }
        guard wanted != interest else { return }
        do throws(SystemError) {
            try loop.modify(fd: fd, id: registration, interest: wanted)
            interest = wanted
        } catch {
            lost(error.description)
        }
    }

    // MARK: closing

    /// Closes the socket and fails whatever waits on it; idempotent.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        timer?.cancel()
        timer = nil
        closeSocket()
        if let done = connectDone {
            connectDone = nil
            done(.failure(.connectFailed("connection closed")))
        }
        if let done = exchangeDone {
            exchangeDone = nil
            done(.failure(.connectionClosed, requestSent: requestSent))
        }
        leaveIdlePool = nil
    }

    private func closeSocket() {
        guard fd >= 0 else { return }
        if let registration { loop.deregister(fd: fd, id: registration) }
        registration = nil
        interest = []
        Syscall.close(fd)
        fd = -1
    }

    static func deadline(after duration: Duration) -> UInt64 {
        MonotonicClock.nanoseconds() &+ MonotonicClock.nanoseconds(duration)
    }
}
