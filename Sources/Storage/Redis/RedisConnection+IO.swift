import Glibc

/// The connection thread: poll() on the socket and the wake pipe, write buffered commands, read and
/// parse replies, and let the state machine decide the rest.
extension RedisConnection {
    /// Everything only the connection thread touches (the socket, buffers, the hiredis reader).
    private struct IOState {
        var fd: Int32 = -1
        var connecting = false
        var reader: RedisReplyReader?
        var writeBuffer: [UInt8] = []
        var writeOffset = 0
        var replies: [RedisReply] = []
        var actions: [Action] = []

        mutating func closeSocket() {
            if fd >= 0 { close(fd) }
            fd = -1
            connecting = false
            reader = nil
            writeBuffer.removeAll(keepingCapacity: true)
            writeOffset = 0
        }

        var isConnected: Bool { fd >= 0 && !connecting }
        var hasUnwritten: Bool { writeOffset < writeBuffer.count }
    }

    /// Runs `body` on the machine under the lock and refreshes the lock-free ready flag.
    private func withMachine(_ body: (inout Machine) -> Void) {
        state.withLock { shared in
            body(&shared.machine)
            readyFlag.store(shared.machine.isReady, ordering: .relaxed)
        }
    }

    func run() {
        var io = IOState()
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { readBuffer.deallocate() }
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0), pollfd(fd: -1, events: 0, revents: 0)]
        withMachine { $0.start(now: .now, into: &io.actions) }
        perform(&io)

        while true {
            let now = ContinuousClock.now
            if !io.hasUnwritten {
                io.writeBuffer.removeAll(keepingCapacity: true)
                io.writeOffset = 0
            }
            var deadline: ContinuousClock.Instant?
            var closed = false
            state.withLock { shared in
                shared.machine.tick(now: now, into: &io.actions)
                shared.wakePending = false
                if io.isConnected && !io.hasUnwritten { shared.machine.takeOutbound(swappingWith: &io.writeBuffer) }
                deadline = shared.machine.nextDeadline
                closed = shared.machine.isClosed
                readyFlag.store(shared.machine.isReady, ordering: .relaxed)
            }
            perform(&io)
            if closed { break }
            if io.isConnected && io.hasUnwritten { flush(&io) }

            fds[0].revents = 0
            fds[1] = pollfd(fd: io.fd, events: 0, revents: 0)
            if io.fd >= 0 {
                fds[1].events = io.connecting ? Int16(POLLOUT) : Int16(POLLIN) | (io.hasUnwritten ? Int16(POLLOUT) : 0)
            }
            let ready = poll(&fds, io.fd >= 0 ? 2 : 1, Self.timeoutMilliseconds(until: deadline))
            if ready <= 0 { continue }
            if fds[0].revents != 0 { drainWakePipe() }
            let events = Int32(fds[1].revents)
            guard io.fd >= 0, events != 0 else { continue }
            if io.connecting {
                finishConnect(&io)
            } else if events & (POLLIN | POLLHUP | POLLERR) != 0 {
                readReplies(&io, into: readBuffer)
            }
            perform(&io)
        }
        io.closeSocket()
        readyFlag.store(false, ordering: .relaxed)
        let waiters = state.withLock { shared in
            shared.exited = true
            defer { shared.exitWaiters = [] }
            return shared.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Carries out the machine's actions, including those that further actions produce.
    private func perform(_ io: inout IOState) {
        var index = 0
        while index < io.actions.count {
            let action = io.actions[index]
            index += 1
            switch action {
            case .complete(let waiter, let result):
                waiter.resume(returning: result)
            case .push(let reply):
                onEvent(.push(reply))
            case .ready(let downtime):
                onEvent(.ready(downtime: downtime))
            case .disconnected(let error):
                onEvent(.disconnected(error))
            case .closeSocket:
                io.closeSocket()
            case .connect:
                io.closeSocket()
                do {
                    io.fd = try RedisSocket.startConnect(host: configuration.host, port: configuration.port)
                    io.connecting = true
                } catch {
                    withMachine { $0.connectFailed(error, now: .now, into: &io.actions) }
                }
            }
        }
        io.actions.removeAll(keepingCapacity: true)
    }

    private func finishConnect(_ io: inout IOState) {
        let code = RedisSocket.connectError(io.fd)
        guard code == 0 else {
            let error = RedisError(.connectionFailed, "cannot connect to Redis at \(configuration.host):\(configuration.port): \(RedisSocket.errorText(code))")
            withMachine { $0.connectFailed(error, now: .now, into: &io.actions) }
            return
        }
        io.connecting = false
        io.reader = RedisReplyReader(limits: .init(maxElements: configuration.maxReplyElements,
                                                   maxBufferedBytes: configuration.maxReplyBytes))
        let extra = extraHandshake()
        withMachine { $0.connected(now: .now, extra: extra, into: &io.actions) }
    }

    private func flush(_ io: inout IOState) {
        while io.hasUnwritten {
            let result = io.writeBuffer.withUnsafeBytes { raw in
                RedisSocket.write(io.fd, UnsafeRawBufferPointer(rebasing: raw[io.writeOffset...]))
            }
            switch result {
            case .transferred(let count): io.writeOffset += count
            case .wouldBlock: return
            case .closed: lost(&io, "Redis closed the connection")
            case .failed(let code): lost(&io, "write failed: \(RedisSocket.errorText(code))"); return
            }
        }
    }

    private func readReplies(_ io: inout IOState, into buffer: UnsafeMutableRawBufferPointer) {
        var failure: RedisError?
        reading: for _ in 0..<16 {
            switch RedisSocket.read(io.fd, into: buffer) {
            case .transferred(let count):
                do {
                    guard let reader = io.reader else { break reading }
                    try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    while let reply = try reader.next() { io.replies.append(reply) }
                } catch {
                    failure = error
                    break reading
                }
                if count < buffer.count { break reading }
            case .wouldBlock:
                break reading
            case .closed:
                failure = RedisError(.connectionLost, "Redis at \(configuration.host):\(configuration.port) closed the connection")
                break reading
            case .failed(let code):
                failure = RedisError(.connectionLost, "read from Redis failed: \(RedisSocket.errorText(code))")
                break reading
            }
        }
        let now = ContinuousClock.now
        if !io.replies.isEmpty {
            withMachine { machine in
                for reply in io.replies { machine.replyReceived(reply, now: now, into: &io.actions) }
            }
            io.replies.removeAll(keepingCapacity: true)
        }
        if let failure {
            withMachine { $0.connectionClosed(failure, now: now, into: &io.actions) }
        }
    }

    private func lost(_ io: inout IOState, _ reason: String) {
        let error = RedisError(.connectionLost, "connection to Redis at \(configuration.host):\(configuration.port) lost: \(reason)")
        withMachine { $0.connectionClosed(error, now: .now, into: &io.actions) }
    }

    private func drainWakePipe() {
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        while withUnsafeMutableBytes(of: &scratch, { read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private static func timeoutMilliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        // Waking at least once a second costs nothing and bounds the damage of any missed wake-up.
        guard let deadline else { return 1000 }
        let remaining = deadline - .now
        if remaining <= .zero { return 0 }
        let parts = remaining.components
        let milliseconds = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000 + 1
        return Int32(min(milliseconds, 1000))
    }
}
