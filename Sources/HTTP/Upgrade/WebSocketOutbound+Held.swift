/// What a connection really holds for its peer, measured on its loop rather than taken from the
/// senders' counter, so tests can check the bound against the memory itself.
extension WebSocketOutbound {
    /// Held frames plus the write buffer's unwritten bytes; nil once the connection is gone.
    func bytesHeldForPeer() async -> Int? {
        let box = target.withLock { $0 }
        return await withCheckedContinuation { continuation in
            loop.execute {
                guard let driver = box.driver, let connection = driver.connection else {
                    continuation.resume(returning: nil)
                    return
                }
                continuation.resume(returning: driver.heldBytes + connection.pending.byteCount)
            }
        }
    }
}
