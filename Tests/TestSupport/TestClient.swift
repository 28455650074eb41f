import Foundation
import Glibc
import HTTP

/// A raw-socket HTTP/1.1 client for end-to-end tests: sends exact bytes, reads exact responses (and
/// WebSocket frames, see `TestClient+WebSocket`). Async calls run their blocking I/O on a thread of
/// their own so they never stall Swift's cooperative pool (which the server's handlers need); the
/// synchronous `write`/`readResponse`/`readFrame` are for loops that already run on such a thread.
package final class TestClient: @unchecked Sendable {
    // @unchecked: a test drives one client sequentially; `buffer` is never touched concurrently.
    package let fd: Int32
    /// Bytes received and not consumed yet.
    package var buffer: [UInt8] = []

    /// A parsed response.
    package struct Response {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: [UInt8]
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A socket call failed, timed out, or the peer sent something that is not HTTP.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    /// `receiveBuffer` (set before connect, so the kernel does not autotune it) makes a client that
    /// reads slowly fill the server's socket quickly.
    package init(port: Int, timeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        if var size = receiveBuffer {
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
        // No close here: a class whose init throws after full initialization still runs deinit, and a
        // second close could hit a descriptor another test has opened meanwhile.
        guard result == 0 else { throw Failure(description: "connect failed: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }

    /// Shuts both directions down so the server sees EOF now (the fd itself closes on deinit).
    package func hangUp() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    package static func open(_ port: Int, timeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) async throws -> TestClient {
        try await offPool { try TestClient(port: port, timeoutSeconds: timeoutSeconds, receiveBuffer: receiveBuffer) }
    }

    /// Connects and sends `first` on the same thread at once, for tests whose clock starts at accept.
    package static func open(_ port: Int, sending first: String) async throws -> TestClient {
        try await offPool {
            let client = try TestClient(port: port)
            let sent = Array(first.utf8).withUnsafeBytes { Glibc.send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent == first.utf8.count else { throw Failure(description: "send failed") }
            return client
        }
    }

    /// Runs blocking work on a fresh thread.
    package static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    package func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    package func send(_ bytes: [UInt8]) async throws {
        try await Self.offPool { [self] in try write(bytes) }
    }

    /// Reads one response; `head` means the request was HEAD (no body follows).
    package func response(head: Bool = false) async throws -> Response {
        try await Self.offPool { [self] in try readResponse(head: head) }
    }

    /// True if the server closes the connection (EOF) before the timeout, after discarding any data.
    package func closedByPeer() async throws -> Bool {
        try await Self.offPool { [self] in
            while true {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = recv(fd, &chunk, chunk.count, 0)
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }
            }
        }
    }

    /// All bytes until EOF.
    package func readToEnd() async throws -> [UInt8] {
        try await Self.offPool { [self] in
            while try fill() {}
            defer { buffer = [] }
            return buffer
        }
    }

    /// Sends all of `bytes`, blocking.
    package func write(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
                offset += sent
            }
        }
    }

    /// Appends what one recv returns to `buffer`; false at EOF (or a reset).
    package func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        throw Failure(description: "recv failed or timed out: errno \(errno)")
    }

    private func line() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<lf], as: UTF8.self).trimmingCharacters(in: ["\r"])
                buffer.removeFirst(lf + 1)
                return line
            }
            guard try fill() else { throw Failure(description: "connection closed mid-line") }
        }
    }

    private func bytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw Failure(description: "connection closed mid-body") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// Reads one response, blocking (Content-Length, chunked, or until EOF).
    package func readResponse(head: Bool = false) throws -> Response {
        let statusLine = try line()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(statusLine)") }
        var headers = HTTPHeaders()
        while true {
            let field = try line()
            if field.isEmpty { break }
            guard let colon = field.firstIndex(of: ":") else { throw Failure(description: "bad header \(field)") }
            headers.add(String(field[..<colon]), field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if head || (100..<200).contains(status) || status == 204 || status == 304 {
            return Response(status: status, headers: headers, body: [])
        }
        if let length = headers["content-length"].flatMap(Int.init) {
            return Response(status: status, headers: headers, body: try bytes(length))
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                let sizeLine = try line()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    throw Failure(description: "bad chunk size \(sizeLine)")
                }
                if size == 0 {
                    while try !line().isEmpty {}
                    break
                }
                body += try bytes(size)
                _ = try line()
            }
            return Response(status: status, headers: headers, body: body)
        }
        while try fill() {}
        defer { buffer = [] }
        return Response(status: status, headers: headers, body: buffer)
    }
}
