/// The bytes of a response the server sends on its own (parse error, timeout, over capacity), so these
/// carry `X-Request-Id` and the API.md error document like every response the router produces.
enum Refusal {
    static func bytes(_ error: HTTPError, requestID: String, date: String, serverName: String?) -> [UInt8] {
        let response = ErrorBody.response(error, requestID: requestID)
        var headers = response.headers
        headers.replaceOrAdd("X-Request-Id", requestID)
        let body = response.bodyBytes ?? []
        var out: [UInt8] = []
        ResponseHeadEncoder.encode(status: error.status, headers: headers, framing: .contentLength(body.count),
                                   keepAlive: false, version: .http1_1, date: date, serverName: serverName, into: &out)
        out.append(contentsOf: body)
        return out
    }
}
