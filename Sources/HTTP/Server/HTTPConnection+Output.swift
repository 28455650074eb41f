import Glibc

/// Writing, interest management and closing.
extension HTTPConnection {
    /// Queues bytes behind anything pending; writes at once when nothing is pending (the common case).
    func enqueue(_ bytes: [UInt8]) {
        guard phase != .closed, !bytes.isEmpty else { return }
        if !pending.isEmpty {
            bytes.withUnsafeBytes { pending.append($0) }
            updateInterest()
            return
        }
        let failed = bytes.withUnsafeBytes { raw -> Bool in
            do {
                switch try Syscall.write(fd, raw) {
                case .processed(let written):
                    if written < raw.count { pending.append(UnsafeRawBufferPointer(rebasing: raw[written...])) }
                case .wouldBlock:
                    pending.append(raw)
                }
                return false
            } catch {
                return true
            }
        }
        if failed {
            close()
            return
        }
        if pending.isEmpty { afterDrain() } else { updateInterest() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        do {
            guard try pending.flush(fd: fd) else { return }
        } catch {
            close()
            return
        }
        afterDrain()
        if phase == .reading && parser.bufferedByteCount > 0 { processInput() }
        updateInterest()
    }

    /// Everything written: release streaming writers, and half-close if we are lingering.
    private func afterDrain() {
        let waiters = writeWaiters
        writeWaiters = []
        for waiter in waiters { waiter.resume(returning: true) }
        if phase == .webSocket { webSocket?.drained() }
        if phase == .lingering && !writeShutDown {
            writeShutDown = true
            _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        }
    }

    func updateInterest() {
        guard phase != .closed else { return }
        var wanted: SelectorEvents = []
        switch phase {
        case .reading:
            if !readEOF && pending.byteCount < server.configuration.maxPendingOutputBytes { wanted.insert(.readable) }
        case .lingering:
            if !readEOF { wanted.insert(.readable) }
        case .webSocket:
            // Same bound as `.reading`: a peer that sends without reading must not grow our output queue.
            if !readEOF && !(webSocket?.readingPaused ?? false)
                && pending.byteCount + (webSocket?.heldBytes ?? 0) < server.configuration.maxPendingOutputBytes {
                wanted.insert(.readable)
            }
        case .responding:
            if !readEOF && parser.bufferedByteCount < server.configuration.maxPipelineBufferBytes {
                wanted.insert(.readable)
            }
        case .closed:
            break
        }
        if !pending.isEmpty { wanted.insert(.writable) }
        guard wanted != interest else { return }
        do {
            try loop.modify(fd: fd, id: registrationID, interest: wanted)
            interest = wanted
        } catch {
            close()
        }
    }

    /// Stops taking requests: after the pending output is written, half-close and drain input briefly
    /// so the client reads our last response instead of a reset.
    func closeGracefully() {
        guard phase != .closed, phase != .lingering else { return }
        phase = .lingering
        lingerStartedAt = MonotonicClock.nanoseconds()
        if readEOF && pending.isEmpty {
            close()
            return
        }
        if pending.isEmpty { afterDrain() }
        updateInterest()
        updateTimer()
    }

    /// Tears the connection down at once.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        timer?.cancel()
        timer = nil
        releaseBody()
        loop.deregister(fd: fd, id: registrationID)
        Syscall.close(fd)
        let waiters = writeWaiters
        writeWaiters = []
        for waiter in waiters { waiter.resume(returning: false) }
        if let driver = webSocket {
            driver.connectionClosed()
            server.openWebSockets.wrappingSubtract(1, ordering: .relaxed)
        }
        webSocket = nil
        server.registries[loop.index].remove(self)
        server.releaseConnection()
    }

    /// Answers a request we will not serve (parse error, timeout, over budget) and closes. The client's
    /// own request id is kept when its head was parsed and the id is sane.
    func refuse(status: Int, code: String, message: String, headers: HTTPHeaders = [:]) {
        let requestID = RequestID.resolve(currentHead?.headers["x-request-id"])
        let error = HTTPError(status: status, code: code, message: message, headers: headers)
        let out = Refusal.bytes(error, requestID: requestID, date: loop.dateCache.current(),
                                serverName: server.configuration.serverName)
        phase = .responding
        enqueue(out)
        closeGracefully()
    }
}
