import Foundation

/// JSON responses from Encodable values.
extension HTTPResponse {
    /// Encodes `value`; an encoding failure is our bug and becomes a logged 500.
    public static func json<T: Encodable>(_ value: T, status: Int = 200, headers: HTTPHeaders = [:],
                                          encoder: JSONEncoder = JSONEncoder()) throws(HTTPError) -> HTTPResponse {
        do {
            let data = try encoder.encode(value)
            var headers = headers
            headers.replaceOrAdd("Content-Type", "application/json")
            return HTTPResponse(status: status, headers: headers, body: Array(data))
        } catch {
            var failure = HTTPError.internalError
            failure.logDetail = "JSON encoding of \(T.self) failed: \(error)"
            throw failure
        }
    }

    /// A JSON body already encoded (a route that writes its body by hand or caches it).
    public static func json(encoded body: [UInt8], status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        // The common case shares one header list (copy-on-write) instead of building one per response.
        guard headers.count > 0 else { return HTTPResponse(status: status, headers: jsonHeaders, body: body) }
        var headers = headers
        headers.replaceOrAdd("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    private static let jsonHeaders: HTTPHeaders = ["Content-Type": "application/json"]
}
