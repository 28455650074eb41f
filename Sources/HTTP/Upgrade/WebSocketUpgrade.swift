/// Placeholder until the WebSocket codec is merged: what a route hands the server to take over a connection.
package struct WebSocketUpgrade: Sendable {}
