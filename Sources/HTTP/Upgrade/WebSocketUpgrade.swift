/// What a WebSocket route hands the server with its 101 response: the handler that takes over.
package struct WebSocketUpgrade: Sendable {
    let handler: any WebSocketHandler
}
