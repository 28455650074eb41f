import Logging
/// Renders the API.md error document; hand-written JSON so error paths never fail to encode.
enum ErrorBody {
    static func response(_ error: HTTPError, requestID: String) -> HTTPResponse {
        var inner: [(String, LogLine.Value)] = [("code", .string(error.code)), ("message", .string(error.message))]
        if let field = error.field { inner.append(("field", .string(field))) }
        for name in error.details.keys.sorted() { inner.append((name, .string(error.details[name]!))) }
        var json = "{\"error\":"
        json += LogLine.json(inner)
        json += ",\"requestId\":"
        LogLine.appendString(requestID, to: &json)
        json += "}"
        var headers = error.headers
        headers.replaceOrAdd("Content-Type", "application/json")
        return HTTPResponse(status: error.status, headers: headers, body: Array(json.utf8))
    }
}
