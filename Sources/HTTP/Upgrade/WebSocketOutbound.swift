import Synchronization

/// The sending side of one WebSocket connection: Sendable, callable from any thread or task. Each call
/// hops to the connection's loop; the per-connection queue is bounded so a slow reader cannot make the
/// server buffer without limit.
public final class WebSocketOutbound: Sendable {
    /// What happened to a send.
    public enum SendResult: Sendable, Equatable {
        case enqueued
        /// The outbound queue is full (slow consumer); the message was dropped.
        case queueFull
        /// The connection is closing or closed.
        case closed
    }

    let loop: EventLoop
    /// Messages accepted but not yet handed to the kernel.
    let queued = Atomic<Int>(0)
    /// Their encoded size: the memory a slow reader makes us hold.
    let queuedBytes = Atomic<Int>(0)
    let open = Atomic<Bool>(true)
    let limit: Int
    /// Bytes held at most; one message larger than this still goes out when nothing else is held.
    let byteLimit: Int
    /// Set once by the driver; weak so a forgotten handle does not keep a closed connection alive.
    let target = Mutex<WeakDriver>(WeakDriver())

    /// Weak box for the loop-confined driver.
    struct WeakDriver: @unchecked Sendable {
        // @unchecked: the driver is only dereferenced inside `loop.execute`, on its own thread.
        weak var driver: WebSocketConnection?
    }

    init(loop: EventLoop, limit: Int, byteLimit: Int = .max) {
        self.loop = loop
        self.limit = limit
        self.byteLimit = byteLimit
    }

    /// Messages (and their bytes) left our hands: handed to the kernel or dropped with the connection.
    func released(messages: Int, bytes: Int) {
        queued.wrappingSubtract(messages, ordering: .relaxed)
        queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
    }

    func attach(_ driver: WebSocketConnection) { target.withLock { $0.driver = driver } }

    /// False once a close started (either side) or the connection dropped.
    public var isOpen: Bool { open.load(ordering: .relaxed) }

    @discardableResult
    public func send(text: String) -> SendResult {
        guard hasRoom(for: text.utf8.count) else { return isOpen ? .queueFull : .closed }
        return send(WebSocketFrameEncoder.text(text))
    }

    @discardableResult
    public func send(binary: [UInt8]) -> SendResult {
        guard hasRoom(for: binary.count) else { return isOpen ? .queueFull : .closed }
        return send(WebSocketFrameEncoder.binary(binary))
    }

    /// A cheap look at the limits before a frame is built: a sender retrying against a full socket
    /// must not copy its message into a frame only to have it refused. `send` decides for real.
    private func hasRoom(for payload: Int) -> Bool {
        guard isOpen else { return false }
        let bytes = queuedBytes.load(ordering: .relaxed)
        return queued.load(ordering: .relaxed) < limit && (bytes == 0 || bytes + payload <= byteLimit)
    }

    /// Starts the close handshake with `code` (1000 by default).
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        let box = target.withLock { $0 }
        loop.execute { box.driver?.startClose(code: code, reason: reason) }
    }

    private func send(_ frame: [UInt8]) -> SendResult {
        guard isOpen else { return .closed }
        let before = queued.wrappingAdd(1, ordering: .relaxed).oldValue
        let bytesBefore = queuedBytes.wrappingAdd(frame.count, ordering: .relaxed).oldValue
        guard before < limit, bytesBefore == 0 || bytesBefore + frame.count <= byteLimit else {
            released(messages: 1, bytes: frame.count)
            return .queueFull
        }
        let box = target.withLock { $0 }
        loop.execute { [self] in
            guard let driver = box.driver else {
                released(messages: 1, bytes: frame.count)
                return
            }
            driver.sendData(frame)
        }
        return .enqueued
    }
}
