import Glibc
@testable import HTTP

/// Drives a `TLSClientSession` over a plain blocking socket, as the event-loop client will do with a
/// non-blocking one: connect, pump `takeOutbound()`/`received(_:)` until `isReady`, send a request,
/// read until the peer closes. Reads time out after 5 s so that a broken case fails instead of hanging.
struct BlockingTLSExchange {
    struct SocketFailed: Error, CustomStringConvertible { let description: String }

    let session: TLSClientSession
    private let fd: Int32

    init(port: Int, session: TLSClientSession) throws {
        self.session = session
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailed(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw SocketFailed(description: "connect to \(port): errno \(errno)")
        }
    }

    func close() { _ = Glibc.close(fd) }

    /// Runs the handshake; throws the session's `ClientLayerError` if it fails.
    func handshake() throws {
        try session.start()
        try flush()
        while !session.isReady {
            let bytes = try readSome()
            guard !bytes.isEmpty else { throw SocketFailed(description: "peer closed during the handshake") }
            _ = try session.received(bytes)
            try flush()
        }
    }

    /// Sends `request` and returns every plaintext byte until close_notify or end of file.
    func roundTrip(_ request: String) throws -> String {
        try session.send(Array(request.utf8))
        try flush()
        var response: [UInt8] = []
        while !session.isClosedByPeer {
            let bytes = try readSome()
            if bytes.isEmpty { break }
            response += try session.received(bytes)
            try? flush()  // the reply close_notify; the peer may be gone already
        }
        return String(decoding: response, as: UTF8.self)
    }

    private func flush() throws {
        let out = session.takeOutbound()
        var offset = 0
        while offset < out.count {
            let n = out.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SocketFailed(description: "send: errno \(errno)") }
            offset += n
        }
    }

    private func readSome() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return [] }
            throw SocketFailed(description: "read: errno \(errno)")
        }
    }
}
