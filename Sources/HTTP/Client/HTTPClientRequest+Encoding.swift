/// The request on the wire: request line, Host, the caller's headers, Content-Length, body.
extension HTTPClientRequest {
    /// Framing headers are ours: a caller's Host, Content-Length or Transfer-Encoding is replaced.
    static let reservedHeaders = ["host", "content-length", "transfer-encoding"]

    func encoded(for origin: HTTPOrigin) throws(HTTPClientError) -> [UInt8] {
        guard !method.isEmpty, method.utf8.allSatisfy(HTTPResponseParser.isTokenByte) else {
            throw .invalidURL("invalid method \"\(method)\"")
        }
        guard !target.isEmpty, !target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidURL("invalid request target \"\(target)\"")
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(origin.hostHeader)\r\n"
        for field in headers where !Self.reservedHeaders.contains(where: { HTTPClientHeader.namesEqual($0, field.name) }) {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPResponseParser.isTokenByte) else {
                throw .invalidURL("invalid header name \"\(field.name)\"")
            }
            // CR or LF in a value would let a caller inject headers or a second request.
            guard field.value.utf8.allSatisfy(HTTPResponseParser.isFieldValueByte) else {
                throw .invalidURL("invalid value for header \(field.name)")
            }
            head += "\(field.name): \(field.value)\r\n"
        }
        // Methods that usually carry a body always state its length, so the server never waits for one.
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }
}
