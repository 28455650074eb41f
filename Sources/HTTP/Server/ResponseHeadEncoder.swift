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
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n".utf8)
        for field in headers {
            if HTTPHeaders.namesEqual(field.name, "content-length") || HTTPHeaders.namesEqual(field.name, "transfer-encoding")
                || HTTPHeaders.namesEqual(field.name, "connection") || HTTPHeaders.namesEqual(field.name, "date") {
                continue
            }
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

    /// Header values from handlers could carry CR/LF (response splitting): such bytes become spaces.
    private static func append(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: [0x3A, 0x20])
        for byte in value.utf8 { out.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
        out.append(contentsOf: [0x0D, 0x0A])
    }
}
