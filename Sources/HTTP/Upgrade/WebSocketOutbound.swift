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
    let open = Atomic<Bool>(true)
    let limit: Int
    /// Set once by the driver; weak so a forgotten handle does not keep a closed connection alive.
    private let target = Mutex<WeakDriver>(WeakDriver())

    /// Weak box for the loop-confined driver.
    struct WeakDriver: @unchecked Sendable {
        // @unchecked: the driver is only dereferenced inside `loop.execute`, on its own thread.
        weak var driver: WebSocketConnection?
    }

    init(loop: EventLoop, limit: Int) {
        self.loop = loop
        self.limit = limit
    }

    func attach(_ driver: WebSocketConnection) { target.withLock { $0.driver = driver } }

    /// False once a close started (either side) or the connection dropped.
    public var isOpen: Bool { open.load(ordering: .relaxed) }

    @discardableResult
    public func send(text: String) -> SendResult { send(WebSocketFrameEncoder.text(text)) }

    @discardableResult
    public func send(binary: [UInt8]) -> SendResult { send(WebSocketFrameEncoder.binary(binary)) }

    /// Starts the close handshake with `code` (1000 by default).
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        let box = target.withLock { $0 }
        loop.execute { box.driver?.startClose(code: code, reason: reason) }
    }

    private func send(_ frame: [UInt8]) -> SendResult {
        guard isOpen else { return .closed }
        let before = queued.wrappingAdd(1, ordering: .relaxed).oldValue
        guard before < limit else {
            queued.wrappingSubtract(1, ordering: .relaxed)
            return .queueFull
        }
        let box = target.withLock { $0 }
        loop.execute { [self] in
            guard let driver = box.driver else {
                queued.wrappingSubtract(1, ordering: .relaxed)
                return
            }
            driver.sendData(frame)
        }
        return .enqueued
    }
}
