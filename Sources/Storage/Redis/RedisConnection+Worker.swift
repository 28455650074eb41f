import Glibc

extension RedisConnection {
    /// Everything only the loop thread touches: the machine, the socket, buffers, the reader.
    struct Worker {
        var machine: Machine
        var fd: Int32 = -1
        var connecting = false
        /// The host lookup of the current connect attempt, until it answers (see `.connect`).
        var resolving: RedisAddressResolver.Lookup?
        var reader: RedisReplyReader?
        var writeBuffer: [UInt8] = []
        var writeOffset = 0
        var actions: [Action] = []
        /// Callers to resume after the actions of one `perform` (kept to reuse its storage).
        var resumptions: [(Waiter, Outcome)] = []
        // Buffers swapped with the shared inbox, so taking a batch copies nothing.
        var submissions: [Machine.Submission] = []
        var incoming: [UInt8] = []
        var cancellations: [UInt64] = []
        var reattachments: [(id: UInt64, waiter: Waiter)] = []
        var publishedRefusal: RedisError?
        var publishedReady = false
        /// A lazy wait (see `prepareToSleep`) ran out without replies: wait normally next time.
        var lazyExpired = false
        /// Counts closed sockets, so a driver that registers the socket elsewhere (`RedisHostedIO`)
        /// knows a new socket that reuses the old one's number is not the registered one.
        var generation = 0

        mutating func closeSocket() {
            if fd >= 0 {
                close(fd)
                generation &+= 1
            }
            fd = -1
            connecting = false
            resolving = nil
            reader = nil
            writeBuffer.removeAll(keepingCapacity: true)
            writeOffset = 0
        }

        var isConnected: Bool { fd >= 0 && !connecting }
        /// Replies to commands in flight will wake the thread: new submissions need not (see
        /// `RedisConnection.prepareToSleep`), unless such a wait already ran out once.
        var waitsLazily: Bool { isConnected && machine.isReady && machine.pendingCount > 0 && !lazyExpired }
        var hasUnwritten: Bool { writeOffset < writeBuffer.count }
    }
}
