/// Placeholder until the WebSocket codec is merged: drives an upgraded connection on its loop.
final class WebSocketConnection {
    func received(_ bytes: UnsafeRawBufferPointer) {}
    func peerClosed() {}
    func serverShuttingDown() {}
    func connectionClosed() {}
}

extension HTTPConnection {
    func startWebSocket(_ upgrade: WebSocketUpgrade, response: HTTPResponse) {
        close()
    }
}
