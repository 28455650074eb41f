import Logging
import Glibc

/// What the loop thread does for this connection when poll() reports the socket or the wake pipe: finish a
/// connect, write buffered commands, read and parse replies.
extension RedisConnection {
    /// Connects once the host lookup started by `.connect` has its answer; true if it had one.
    func collectLookup(_ worker: inout Worker) -> Bool {
        guard let lookup = worker.resolving, let result = lookup.result else { return false }
        worker.resolving = nil
        switch result {
        case .success(let address): connect(&worker, to: address)
        case .failure(let error): worker.machine.connectFailed(error, now: .now, into: &worker.actions)
        }
        return true
    }

    func connect(_ worker: inout Worker, to address: RedisAddressResolver.Address) {
        do {
            worker.fd = try RedisSocket.startConnect(to: address, host: configuration.host, port: configuration.port,
                                                     commandTimeout: configuration.commandTimeout)
            worker.connecting = true
        } catch {
            worker.machine.connectFailed(error, now: .now, into: &worker.actions)
        }
    }

    func finishConnect(_ worker: inout Worker) {
        let code = RedisSocket.connectError(worker.fd)
        guard code == 0 else {
            let error = RedisError(.connectionFailed,
                                   "cannot connect to Redis at \(settings.endpoint): \(RedisSocket.errorText(code))")
            worker.machine.connectFailed(error, now: .now, into: &worker.actions)
            return
        }
        worker.connecting = false
        worker.reader = RedisReplyReader(limits: .init(maxElements: configuration.maxReplyElements,
                                                       maxBufferedBytes: configuration.maxReplyBytes))
        worker.machine.connected(now: .now, extra: extraHandshake(), into: &worker.actions)
    }

    func flush(_ worker: inout Worker) {
        while worker.hasUnwritten {
            let offset = worker.writeOffset
            let fd = worker.fd
            let result = worker.writeBuffer.withUnsafeBytes { raw in
                RedisSocket.write(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            switch result {
            case .transferred(let count):
                worker.writeOffset += count
            case .wouldBlock:
                return
            case .closed:
                lost(&worker, RedisError(.connectionLost, "connection to Redis at \(settings.endpoint) closed"))
                return
            case .failed(let code):
                lost(&worker, RedisError(.connectionLost,
                                         "write to Redis at \(settings.endpoint) failed: \(RedisSocket.errorText(code))"))
                return
            }
        }
    }

    func readReplies(_ worker: inout Worker, into buffer: UnsafeMutableRawBufferPointer) {
        var failure: RedisError?
        let now = ContinuousClock.now
        reading: for _ in 0..<16 {
            switch RedisSocket.read(worker.fd, into: buffer) {
            case .transferred(let count):
                worker.machine.bytesReceived(now: now)
                guard let reader = worker.reader else { break reading }
                do {
                    try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    while let reply = try reader.next() {
                        worker.lazyExpired = false
                        worker.machine.replyReceived(reply, now: now, into: &worker.actions)
                    }
                    // The machine gave up on this socket (refused AUTH, stray reply): stop reading.
                    if !worker.machine.isSocketConnected { break reading }
                } catch {
                    failure = error
                    break reading
                }
                if count < buffer.count { break reading }
            case .wouldBlock:
                break reading
            case .closed:
                failure = RedisError(.connectionLost, "Redis at \(settings.endpoint) closed the connection")
                break reading
            case .failed(let code):
                failure = RedisError(.connectionLost,
                                     "read from Redis at \(settings.endpoint) failed: \(RedisSocket.errorText(code))")
                break reading
            }
        }
        if let failure { lost(&worker, failure) }
    }

    func lost(_ worker: inout Worker, _ error: RedisError) {
        worker.machine.connectionClosed(error, now: .now, into: &worker.actions)
    }

    static func timeoutMilliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        // Waking at least once a second costs nothing and bounds the damage of any missed wake-up.
        guard let deadline else { return 1000 }
        let remaining = deadline - .now
        if remaining <= .zero { return 0 }
        return Int32(min(remaining.millisecondsRoundedUp, 1000))
    }
}
