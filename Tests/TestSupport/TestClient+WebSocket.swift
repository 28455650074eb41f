import Glibc
import HTTP

/// WebSocket helpers for the raw test client: handshake, masked frames out, decoded frames in.
extension TestClient {
    package static let mask: (UInt8, UInt8, UInt8, UInt8) = (0x12, 0x34, 0x56, 0x78)

    /// Performs the opening handshake on `path` and returns the 101 response.
    package func upgrade(_ path: String = "/ws", extraHeaders: String = "") async throws -> Response {
        try await send("GET \(path) HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extraHeaders)\r\n")
        return try await response()
    }

    package func sendText(_ text: String) async throws { try await send(WebSocketFrameEncoder.text(text, maskingKey: Self.mask)) }

    /// Reads one frame sent by the server (unmasked), or nil at EOF.
    package func frame() async throws -> WebSocketFrame? {
        try await Self.offPool { [self] in try readFrame() }
    }

    /// Reads one frame, blocking; nil at EOF.
    package func readFrame() throws -> WebSocketFrame? {
        let limits = WebSocketLimits(maxFrameSize: 1 << 24, maxMessageSize: 1 << 24)
        var decoder = WebSocketFrameDecoder(role: .client, limits: limits)
        while true {
            decoder.append(buffer)
            let before = decoder.bufferedByteCount
            if let frame = try decoder.nextFrame() {
                buffer.removeFirst(before - decoder.bufferedByteCount)
                return frame
            }
            guard try fill() else { return nil }
            decoder = WebSocketFrameDecoder(role: .client, limits: limits)
        }
    }

    /// The close code in a close frame's payload.
    package static func closeCode(_ frame: WebSocketFrame?) -> UInt16? {
        guard let frame, frame.opcode == .close, frame.payload.count >= 2 else { return nil }
        return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
    }
}
