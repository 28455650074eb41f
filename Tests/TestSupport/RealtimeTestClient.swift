import Foundation
import HTTP

/// The node's realtime WebSocket (`/api/v1/realtime`) over a raw `TestClient`: the handshake with a
/// token (header or `?access_token=`), masked JSON text frames out, decoded JSON messages in.
package final class RealtimeTestClient: @unchecked Sendable {
    // @unchecked: each test drives one client sequentially; nothing here is touched concurrently.
    private let client: TestClient
    package private(set) var handshakeStatus = 0
    package private(set) var handshakeHead = ""
    /// Close code received from the server, once `next()` returned nil for a close frame.
    package private(set) var closeCode: UInt16?

    package typealias Failure = TestClient.Failure

    private init(client: TestClient) { self.client = client }

    /// Connects and performs the handshake; check `handshakeStatus` (101 when accepted).
    package static func connect(port: Int, token: String?, inQuery: Bool = false, origin: String? = nil,
                                timeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) async throws -> RealtimeTestClient {
        try await TestClient.offPool {
            let client = RealtimeTestClient(client: try TestClient(port: port, timeoutSeconds: timeoutSeconds, receiveBuffer: receiveBuffer))
            var path = "/api/v1/realtime"
            var extra = ""
            if let token {
                if inQuery { path += "?access_token=\(token)" } else { extra += "Authorization: Bearer \(token)\r\n" }
            }
            if let origin { extra += "Origin: \(origin)\r\n" }
            let raw = client.client
            try raw.write(Array(("GET \(path) HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n").utf8))
            while true {
                if let end = raw.buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                    client.handshakeHead = String(decoding: raw.buffer[..<end.lowerBound], as: UTF8.self)
                    raw.buffer.removeFirst(end.upperBound)
                    client.handshakeStatus = Int(client.handshakeHead.split(separator: " ").dropFirst().first ?? "") ?? 0
                    return client
                }
                guard try raw.fill() else { throw Failure(description: "closed during the handshake") }
            }
        }
    }

    package func send(_ json: String) async throws {
        let frame = WebSocketFrameEncoder.text(json, maskingKey: (0x11, 0x22, 0x33, 0x44))
        try await TestClient.offPool { [client] in try client.write(frame) }
    }

    /// The next text message as a JSON object; nil when the server closed (see `closeCode`).
    package func next() async throws -> [String: Any]? {
        let text: String? = try await TestClient.offPool { [self] in
            while let frame = try client.readFrame() {
                switch frame.opcode {
                case .text: return String(decoding: frame.payload, as: UTF8.self)
                case .close:
                    closeCode = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
                    return nil
                default: continue
                }
            }
            return nil
        }
        guard let text else { return nil }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "not a JSON object: \(text)")
        }
        return object
    }

    /// The next message of `type`, skipping others; throws if the connection ends first.
    package func next(type: String) async throws -> [String: Any] {
        while true {
            guard let message = try await next() else { throw Failure(description: "closed (\(closeCode ?? 0)) before a \(type)") }
            if message["type"] as? String == type { return message }
        }
    }

    /// Drops the TCP connection (the server sees the peer go away).
    package func close() { client.hangUp() }
}
