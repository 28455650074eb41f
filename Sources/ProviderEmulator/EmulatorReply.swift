import HTTP
import Logging

/// What a provider emulation answers, before the gate turns it into a response and counts it.
struct EmulatorReply: Sendable {
    var status: Int
    var headers: HTTPHeaders = [:]
    var body: [UInt8] = []
    /// Work units this call adds to the service's `items` (0 for failures and replays).
    var items = 0
    /// Cut the connection instead of answering (a `down` service in "reset" mode).
    var reset = false

    static func json(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = [:], items: Int = 0) -> EmulatorReply {
        var headers = headers
        headers.replaceOrAdd("Content-Type", "application/json")
        return EmulatorReply(status: status, headers: headers, body: value.jsonBytes, items: items)
    }

    var response: HTTPResponse {
        guard !reset else {
            // The head goes out, then the body producer fails: the server closes the connection
            // without the last chunk, which the client reports as a transport error.
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"]) { _ in
                throw EmulatorError("connection reset on purpose")
            }
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
