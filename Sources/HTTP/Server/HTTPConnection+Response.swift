/// Turning a handler's response into bytes on the wire, in order, then reading the next request.
extension HTTPConnection {
    func writeResponse(_ response: HTTPResponse, for head: HTTPRequestHead) {
        guard phase == .responding else { return }
        if let upgrade = response.webSocket, response.status == 101 {
            startWebSocket(upgrade, response: response)
            return
        }
        let keepAlive = head.keepAlive && !shuttingDown && !readEOF
            && !response.headers.containsToken("close", in: "connection")
        let omitBody = head.method == "HEAD" || HTTPStatus.forbidsBody(response.status)
        var out: [UInt8] = []
        let date = loop.dateCache.current()
        let serverName = server.configuration.serverName
        switch response.body {
        case .bytes(let bytes):
            let framing: ResponseHeadEncoder.Framing = HTTPStatus.forbidsBody(response.status) ? .noBody : .contentLength(bytes.count)
            // enqueue() writes or copies the bytes before returning, so the loop's scratch array can be
            // reused; it is taken out meanwhile, so nothing else on the loop can touch it.
            swap(&out, &loop.responseScratch)
            out.reserveCapacity(256 + bytes.count)
            ResponseHeadEncoder.encode(status: response.status, headers: response.headers, framing: framing,
                                       keepAlive: keepAlive, version: head.version, date: date,
                                       serverName: serverName, into: &out)
            if !omitBody { out.append(contentsOf: bytes) }
            enqueue(out)
            if out.capacity <= 16 * 1024 {
                out.removeAll(keepingCapacity: true)
                swap(&out, &loop.responseScratch)
            }
            finishResponse(keepAlive: keepAlive)
        case .stream(let producer):
            if omitBody {
                ResponseHeadEncoder.encode(status: response.status, headers: response.headers, framing: .noBody,
                                           keepAlive: keepAlive, version: head.version, date: date,
                                           serverName: serverName, into: &out)
                enqueue(out)
                finishResponse(keepAlive: keepAlive)
                return
            }
            let chunked = head.version == .http1_1
            let streamKeepAlive = keepAlive && chunked
            ResponseHeadEncoder.encode(status: response.status, headers: response.headers,
                                       framing: chunked ? .chunked : .untilClose, keepAlive: streamKeepAlive,
                                       version: head.version, date: date, serverName: serverName, into: &out)
            enqueue(out)
            runStream(producer, chunked: chunked, keepAlive: streamKeepAlive)
        }
    }

    private func runStream(_ producer: @escaping @Sendable (HTTPBodyWriter) async throws -> Void,
                           chunked: Bool, keepAlive: Bool) {
        let loop = self.loop
        let writer = HTTPBodyWriter { (bytes: [UInt8]) async throws(HTTPServerError) in
            let accepted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                loop.execute { self.writeChunk(bytes, chunked: chunked, continuation: continuation) }
            }
            if !accepted { throw HTTPServerError(.connectionClosed, "the client connection is closed") }
        }
        Task {
            let completed: Bool
            do {
                try await producer(writer)
                completed = true
            } catch {
                completed = false
            }
            loop.execute { self.finishStream(completed: completed, chunked: chunked, keepAlive: keepAlive) }
        }
    }

    private func writeChunk(_ bytes: [UInt8], chunked: Bool, continuation: CheckedContinuation<Bool, Never>) {
        guard phase == .responding else {
            continuation.resume(returning: false)
            return
        }
        if chunked {
            var framed = Array(String(bytes.count, radix: 16).utf8)
            framed.append(contentsOf: [0x0D, 0x0A])
            framed.append(contentsOf: bytes)
            framed.append(contentsOf: [0x0D, 0x0A])
            enqueue(framed)
        } else {
            enqueue(bytes)
        }
        guard phase != .closed else {
            continuation.resume(returning: false)
            return
        }
        // Back-pressure: a producer faster than the client waits until the socket drains.
        if pending.byteCount > 256 * 1024 {
            writeWaiters.append(continuation)
        } else {
            continuation.resume(returning: true)
        }
    }

    private func finishStream(completed: Bool, chunked: Bool, keepAlive: Bool) {
        guard phase == .responding else { return }
        guard completed else {
            // The body is cut short: closing without the last chunk tells the client it is incomplete.
            close()
            return
        }
        if chunked { enqueue(Array("0\r\n\r\n".utf8)) }
        finishResponse(keepAlive: keepAlive)
    }

    /// After a complete response: read the next (possibly already buffered) request, or close.
    func finishResponse(keepAlive: Bool) {
        guard phase == .responding else { return }
        releaseBody()
        requestsServed += 1
        guard keepAlive else {
            closeGracefully()
            return
        }
        phase = .reading
        idleSince = MonotonicClock.nanoseconds()
        headStartedAt = nil
        processInput()
        updateInterest()
    }
}
