/// Serializes a status line and headers, adding the framing and housekeeping headers the server owns.
enum ResponseHeadEncoder {
    /// How the body will be framed on the wire.
    enum Framing {
        case contentLength(Int)
        case chunked
        /// HTTP/1.0 stream: the end of the body is the end of the connection.
        case untilClose
        case noBody
    }

    static func encode(status: Int, headers: HTTPHeaders, framing: Framing, keepAlive: Bool,
                       version: HTTPVersion, date: String, serverName: String?, into out: inout [UInt8]) {
        if status == 200 {
            out.append(contentsOf: ok)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n".utf8)
        }
        for field in headers where !isServerOwned(field.name) {
            append(field.name, field.value, to: &out)
        }
        switch framing {
        case .contentLength(let length): append("Content-Length", String(length), to: &out)
        case .chunked: append("Transfer-Encoding", "chunked", to: &out)
        case .untilClose, .noBody: break
        }
        if status == 101 {
            append("Connection", "Upgrade", to: &out)
        } else if !keepAlive {
            append("Connection", "close", to: &out)
        } else if version == .http1_0 {
            append("Connection", "keep-alive", to: &out)
        }
        append("Date", date, to: &out)
        if let serverName { append("Server", serverName, to: &out) }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    private static let ok = Array("HTTP/1.1 200 OK\r\n".utf8)

    /// Framing and Date headers are the server's: a handler's copy would contradict the real framing.
    private static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return HTTPHeaders.namesEqual(name, "date")
        case 10: return HTTPHeaders.namesEqual(name, "connection")
        case 14: return HTTPHeaders.namesEqual(name, "content-length")
        case 17: return HTTPHeaders.namesEqual(name, "transfer-encoding")
        default: return false
        }
    }

    /// Header values from handlers could carry CR/LF (response splitting): such bytes become spaces.
    /// Scans the contiguous UTF-8 buffer directly: iterating `String.UTF8View` generically cost about
    /// 2% of a request in a `perf` profile (two scans per header on every response).
    /// Reads through the non-mutating `withContiguousStorageIfAvailable` (native and small strings always
    /// provide it): the mutating `withUTF8` needed local copies of both strings, i.e. retains per header.
    private static func append(_ name: String, _ value: String, to out: inout [UInt8]) {
        appendSanitized(name, to: &out) { $0 == 0x0D || $0 == 0x0A || $0 == 0x3A ? 0x2D : $0 }
        out.append(0x3A)
        out.append(0x20)
        appendSanitized(value, to: &out) { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }
        out.append(0x0D)
        out.append(0x0A)
    }

    private static func appendSanitized(_ text: String, to out: inout [UInt8], _ replace: (UInt8) -> UInt8) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            if bytes.contains(where: { replace($0) != $0 }) {
                for byte in bytes { out.append(replace(byte)) }
            } else {
                out.append(contentsOf: bytes)
            }
        }
        if done == nil { for byte in text.utf8 { out.append(replace(byte)) } }
    }
}
