import Dispatch
import Glibc

/// This connection's part of its loop thread's turn: take callers' submissions, write them in
/// one go, react to what poll() reported for the socket, let the state machine (owned by the loop
/// thread alone) decide, and clean up when the loop exits.
extension RedisConnection {
    /// The loop's first step for this connection: start connecting.
    func begin(_ worker: inout Worker) {
        worker.machine.start(now: .now, into: &worker.actions)
        perform(&worker)
    }

    /// Takes submissions and writes what is buffered; false once the machine is closed (shut down).
    func turn(_ worker: inout Worker) -> Bool {
        takeSubmissions(&worker)
        perform(&worker)
        if worker.machine.isClosed { return false }
        if collectLookup(&worker) { perform(&worker) }
        if worker.isConnected && !worker.hasUnwritten {
            worker.writeBuffer.removeAll(keepingCapacity: true)
            worker.writeOffset = 0
            worker.machine.takeOutbound(swappingWith: &worker.writeBuffer)
        }
        if worker.isConnected && worker.hasUnwritten {
            flush(&worker)
            perform(&worker)
        }
        publish(&worker)
        return true
    }

    /// What poll() reported for this connection's socket.
    func handle(events: Int32, _ worker: inout Worker, readBuffer: UnsafeMutableRawBufferPointer) {
        guard worker.fd >= 0 else { return }
        if worker.connecting {
            finishConnect(&worker)
        } else if events & (POLLIN | POLLHUP | POLLERR) != 0 {
            readReplies(&worker, into: readBuffer)
        }
        perform(&worker)
    }

    /// After the loop's last turn: close the socket and refuse requests that slipped in after the
    /// last drain, so none is left waiting; then let `shutdown()` return.
    func finish(_ worker: inout Worker) {
        worker.closeSocket()
        readyFlag.store(false, ordering: .relaxed)
        let (late, lateReattached, waiters) = shared.withLock { shared in
            shared.exited = true
            shared.refusal = RedisError(.shutdown, "the Redis client was shut down")
            defer { shared.inbox = []; shared.reattachments = []; shared.exitWaiters = [] }
            return (shared.inbox.map(\.waiter), shared.reattachments.map(\.waiter), shared.exitWaiters)
        }
        inFlight.wrappingSubtract(late.count + lateReattached.count, ordering: .relaxed)
        let shutdown = RedisError(.shutdown, "the Redis client was shut down")
        for waiter in late + lateReattached { waiter.resume(returning: .done(.failure(shutdown))) }
        for waiter in waiters { waiter.resume() }
    }

    /// Decides how to wait: nil means "do not sleep, there is work"; true means a lazy wait in which
    /// new submissions do not wake this thread because replies to commands in flight will, and
    /// are then written together (bigger batches, fewer wake-ups); false means a normal sleep that
    /// any submission interrupts. A lazy wait lasts at most 1 ms, so a blocking command in flight
    /// (BLPOP) delays others by at most that much, and ends early once the next batch holds half
    /// as many commands as are in flight (so two batches overlap: Redis works on one while the
    /// callers of the other are resumed).
    func prepareToSleep(_ worker: inout Worker) -> Bool? {
        // The lookup's thread wakes this one after storing its answer: checked here, it is not missed.
        if worker.resolving?.result != nil { return nil }
        let lazy = worker.waitsLazily
        // A shutdown request is work only until the machine has closed; after that it stays set
        // (and must not keep the loop, which may drive other connections, from sleeping).
        let closed = worker.machine.isClosed
        let busy = shared.withLock { shared in
            if (shared.shutdownRequested && !closed) || !shared.cancellations.isEmpty || !shared.reattachments.isEmpty
                || (!lazy && !shared.inbox.isEmpty) {
                return true
            }
            shared.sleeping = !lazy
            shared.lazyFlushAt = lazy ? max(16, worker.machine.pendingCount / 2) : Int.max
            shared.wakePending = false
            return false
        }
        return busy ? nil : lazy
    }

    /// Moves callers' submissions, cancellations and a shutdown request into the machine.
    private func takeSubmissions(_ worker: inout Worker) {
        var shutdown = false
        shared.withLock { shared in
            swap(&shared.inbox, &worker.submissions)
            swap(&shared.outbound, &worker.incoming)
            if !shared.cancellations.isEmpty { swap(&shared.cancellations, &worker.cancellations) }
            if !shared.reattachments.isEmpty { swap(&shared.reattachments, &worker.reattachments) }
            shared.sleeping = false
            shared.lazyFlushAt = Int.max
            shutdown = shared.shutdownRequested
        }
        let now = ContinuousClock.now
        worker.machine.enqueue(worker.submissions, bytes: &worker.incoming, now: now, into: &worker.actions)
        worker.submissions.removeAll(keepingCapacity: true)
        for (id, waiter) in worker.reattachments { worker.machine.reattach(id: id, waiter: waiter, into: &worker.actions) }
        worker.reattachments.removeAll(keepingCapacity: true)
        for id in worker.cancellations { worker.machine.cancel(id: id, into: &worker.actions) }
        worker.cancellations.removeAll(keepingCapacity: true)
        if shutdown { worker.machine.shutdown(into: &worker.actions) }
        worker.machine.tick(now: now, into: &worker.actions)
    }

    /// Resumes a batch of callers from one job on the global pool rather than one by one from
    /// this thread. Each resumption from here pushed a job and often woke a pool thread, which on
    /// 2 busy cores then preempted this thread (about 20,000 involuntary switches a second at
    /// 400k commands/s) before it could resume the next caller or read the next replies; from a
    /// pool thread the pushes also reuse that thread's cached Dispatch continuations instead of a
    /// calloc each. A single caller is resumed here (no job to allocate).
    ///
    /// Callers marked `resumesDirectly` (tasks on the client's executor, or preferring another task
    /// executor such as an HTTP event loop) are resumed here: their next job goes straight to the
    /// executor they prefer, so a pool thread in between would only add a hop (see `Waiter`).
    private func resume(_ all: inout [(Waiter, Outcome)]) {
        var elsewhere: [(Waiter, Outcome)] = []
        for (waiter, outcome) in all {
            if waiter.resumesDirectly {
                waiter.resume(returning: outcome)
            } else {
                if elsewhere.isEmpty { elsewhere.reserveCapacity(all.count) }
                elsewhere.append((waiter, outcome))
            }
        }
        all.removeAll(keepingCapacity: true)
        if elsewhere.count > 1 {
            let batch = elsewhere
            DispatchQueue.global().async { for (waiter, outcome) in batch { waiter.resume(returning: outcome) } }
        } else if let (waiter, outcome) = elsewhere.first {
            waiter.resume(returning: outcome)
        }
    }

    /// Tells callers (lock-free flag, refusal under the lock) whether requests are accepted now.
    private func publish(_ worker: inout Worker) {
        let ready = worker.machine.isReady
        if ready != worker.publishedReady {
            readyFlag.store(ready, ordering: .relaxed)
            worker.publishedReady = ready
        }
        let refusal = worker.machine.refusal
        if refusal != worker.publishedRefusal {
            shared.withLock { $0.refusal = refusal }
            worker.publishedRefusal = refusal
        }
    }

    /// Carries out the machine's actions, including those that further actions produce.
    func perform(_ worker: inout Worker) {
        // Health first: a caller woken by a failure below must already see the same state in `health`.
        publish(&worker)
        var completed = 0
        var index = 0
        while index < worker.actions.count {
            let action = worker.actions[index]
            index += 1
            switch action {
            case .complete(let waiter, let result):
                completed += 1
                worker.resumptions.append((waiter, .done(result)))
            case .release(let waiter):
                worker.resumptions.append((waiter, .released))
            case .push(let reply):
                onEvent(.push(reply))
            case .ready(let downtime):
                onEvent(.ready(downtime: downtime))
            case .disconnected(let error):
                onEvent(.disconnected(error))
            case .closeSocket:
                worker.closeSocket()
            case .connect:
                worker.closeSocket()
                if let address = RedisAddressResolver.numeric(host: configuration.host, port: configuration.port) {
                    connect(&worker, to: address)
                } else {
                    // Never wait for a lookup here: this thread drives other connections too. The
                    // connect deadline still bounds it (`tick` fails the attempt, `closeSocket` drops it).
                    let loop = self.loop
                    worker.resolving = RedisAddressResolver.start(host: configuration.host, port: configuration.port,
                                                                  using: resolver) { loop.wake() }
                }
            }
        }
        worker.actions.removeAll(keepingCapacity: true)
        if completed > 0 { inFlight.wrappingSubtract(completed, ordering: .relaxed) }
        if !worker.resumptions.isEmpty { resume(&worker.resumptions) }
    }
}
