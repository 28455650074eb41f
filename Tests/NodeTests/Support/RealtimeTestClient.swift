import Foundation
import Glibc
@testable import HTTP

/// A raw-socket WebSocket client for the node's realtime endpoint: the handshake with a token (header
/// or `?access_token=`), masked JSON text frames out, decoded JSON messages in. Blocking calls run on
/// their own thread so they never stall the cooperative pool.
final class RealtimeTestClient: @unchecked Sendable {
    // @unchecked: each test drives one client sequentially; `buffer` is never touched concurrently.
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var handshakeStatus = 0
    private(set) var handshakeHead = ""

    struct Failure: Error, CustomStringConvertible { let description: String }

    private init(port: Int, timeoutSeconds: Int, receiveBuffer: Int32?) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        if var size = receiveBuffer {
            // Set before connect so the kernel does not autotune it: a slow reader for real.
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Failure(description: "connect failed: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }

    /// Connects and performs the handshake; check `handshakeStatus` (101 when accepted).
    static func connect(port: Int, token: String?, inQuery: Bool = false, origin: String? = nil,
                        timeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) async throws -> RealtimeTestClient {
        try await offPool {
            let client = try RealtimeTestClient(port: port, timeoutSeconds: timeoutSeconds, receiveBuffer: receiveBuffer)
            var path = "/api/v1/realtime"
            var extra = ""
            if let token {
                if inQuery { path += "?access_token=\(token)" } else { extra += "Authorization: Bearer \(token)\r\n" }
            }
            if let origin { extra += "Origin: \(origin)\r\n" }
            try client.write(Array(("GET \(path) HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n").utf8))
            while true {
                if let end = client.buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                    client.handshakeHead = String(decoding: client.buffer[..<end.lowerBound], as: UTF8.self)
                    client.buffer.removeFirst(end.upperBound)
                    client.handshakeStatus = Int(client.handshakeHead.split(separator: " ").dropFirst().first ?? "") ?? 0
                    return client
                }
                guard try client.fill() else { throw Failure(description: "closed during the handshake") }
            }
        }
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    func send(_ json: String) async throws {
        let frame = WebSocketFrameEncoder.text(json, maskingKey: (0x11, 0x22, 0x33, 0x44))
        try await Self.offPool { [self] in try write(frame) }
    }

    /// The next text message as a JSON object; nil when the server closed (see `closeCode`).
    func next() async throws -> [String: Any]? {
        let text: String? = try await Self.offPool { [self] in
            while let frame = try frame() {
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
    func next(type: String) async throws -> [String: Any] {
        while true {
            guard let message = try await next() else { throw Failure(description: "closed (\(closeCode ?? 0)) before a \(type)") }
            if message["type"] as? String == type { return message }
        }
    }

    /// Close code received from the server, once `next()` returned nil for a close frame.
    private(set) var closeCode: UInt16?

    private func frame() throws -> WebSocketFrame? {
        var decoder = WebSocketFrameDecoder(role: .client, limits: WebSocketLimits(maxFrameSize: 1 << 24, maxMessageSize: 1 << 24))
        while true {
            decoder.append(buffer)
            let before = decoder.bufferedByteCount
            if let frame = try decoder.nextFrame() {
                buffer.removeFirst(before - decoder.bufferedByteCount)
                return frame
            }
            guard try fill() else { return nil }
            decoder = WebSocketFrameDecoder(role: .client, limits: WebSocketLimits(maxFrameSize: 1 << 24, maxMessageSize: 1 << 24))
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
                offset += sent
            }
        }
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        throw Failure(description: "recv failed or timed out: errno \(errno)")
    }
}

extension RealtimeTestClient {
    /// Drops the TCP connection (the server sees the peer go away).
    func close() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
}
