/// Switching a connection from HTTP to WebSocket after the route accepted the upgrade.
extension HTTPConnection {
    func startWebSocket(_ upgrade: WebSocketUpgrade, response: HTTPResponse) {
        var out: [UInt8] = []
        ResponseHeadEncoder.encode(status: 101, headers: response.headers, framing: .noBody, keepAlive: true,
                                   version: .http1_1, date: loop.dateCache.current(),
                                   serverName: server.configuration.serverName, into: &out)
        enqueue(out)
        guard phase != .closed else { return }
        phase = .webSocket
        server.openWebSockets.wrappingAdd(1, ordering: .relaxed)
        timer?.cancel()
        timer = nil
        let driver = WebSocketConnection(connection: self, configuration: server.configuration.webSocket)
        webSocket = driver
        driver.start(handler: upgrade.handler)
        // Frames the client sent right behind its handshake are already in the HTTP parser's buffer.
        let leftover = parser.takeBufferedBytes()
        if !leftover.isEmpty { leftover.withUnsafeBytes { driver.received($0) } }
        if shuttingDown { driver.serverShuttingDown() }
        updateInterest()
    }
}
