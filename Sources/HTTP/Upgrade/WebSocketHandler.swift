/// The application side of one WebSocket connection. Events arrive one at a time, in order, on a task
/// that prefers the connection's loop; reply (from anywhere, at any time) through the `outbound` handle.
public protocol WebSocketHandler: Sendable {
    /// The upgrade is complete; keep `outbound` to push messages later.
    func onOpen(_ outbound: WebSocketOutbound) async
    func onText(_ text: String, outbound: WebSocketOutbound) async
    func onBinary(_ bytes: [UInt8], outbound: WebSocketOutbound) async
    /// The connection is over: `code` is the peer's close code, 1006 if the TCP connection just dropped,
    /// or our own code when we closed (shutdown 1001, protocol error 1002, too big 1009, ...).
    func onClose(code: WebSocketCloseCode?, reason: String) async
}

extension WebSocketHandler {
    public func onOpen(_ outbound: WebSocketOutbound) async {}
    public func onText(_ text: String, outbound: WebSocketOutbound) async {}
    public func onBinary(_ bytes: [UInt8], outbound: WebSocketOutbound) async {}
    public func onClose(code: WebSocketCloseCode?, reason: String) async {}
}

/// Sends every message back unchanged: used by tests and the Autobahn conformance suite.
public struct EchoWebSocketHandler: WebSocketHandler {
    public init() {}
    public func onText(_ text: String, outbound: WebSocketOutbound) async { outbound.send(text: text) }
    public func onBinary(_ bytes: [UInt8], outbound: WebSocketOutbound) async { outbound.send(binary: bytes) }
}
