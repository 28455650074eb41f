import Logging
/// One structured JSON line per request (method, path, route, status, duration, request id).
/// Headers are never logged; query values whose names look secret are redacted.
public struct AccessLogMiddleware: HTTPSyncMiddleware {
    let sink: @Sendable (String) -> Void
    /// Query parameter names (lowercased) whose values never reach the log.
    public static let secretNames: Set<String> = [
        "access_token", "token", "key", "api_key", "apikey", "secret", "password", "signature", "sig", "code", "auth",
    ]

    /// `sink` receives each line, on the request's thread; the default queues it for stderr on the
    /// log writer's own thread (a blocking write(2) here would stall the event loop).
    public init(sink: @escaping @Sendable (String) -> Void = { LogWriter.standardError.write($0) }) {
        self.sink = sink
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
        let response = await next(request, context)
        log(request, context, response)
        return response
    }

    public func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
        let response = next(request, context)
        log(request, context, response)
        return response
    }

    /// The one place the line is built, for both paths: the JSON that `LogLine.json` would write for
    /// these fields in this order, with the keys and quotes in fixed fragments (this runs per request).
    private func log(_ request: HTTPRequest, _ context: RequestContext, _ response: HTTPResponse) {
        let elapsed = context.elapsed
        let milliseconds = elapsed.fractionalMilliseconds
        let durationMs = (milliseconds * 1_000).rounded() / 1_000
        let path = Self.loggablePath(request)
        var line: [UInt8] = []
        line.reserveCapacity(200 + path.utf8.count)
        line.append(contentsOf: Fragment.method)
        LogLine.appendContents(request.method, to: &line)
        line.append(contentsOf: Fragment.path)
        LogLine.appendContents(path, to: &line)
        line.append(contentsOf: Fragment.route)
        LogLine.appendContents(context.routePattern ?? "unmatched", to: &line)
        line.append(contentsOf: Fragment.status)
        line.append(contentsOf: String(response.status).utf8)
        line.append(contentsOf: Fragment.duration)
        line.append(contentsOf: (durationMs.isFinite ? String(durationMs) : "null").utf8)
        line.append(contentsOf: Fragment.requestID)
        LogLine.appendContents(context.requestID, to: &line)
        if let remote = request.remoteAddress {
            line.append(contentsOf: Fragment.remote)
            LogLine.appendContents(remote, to: &line)
        }
        line.append(contentsOf: Fragment.end)
        sink(String(decoding: line, as: UTF8.self))
    }

    /// The fixed parts of the line, between its values.
    private enum Fragment {
        static let method = Array(#"{"msg":"request","method":""#.utf8)
        static let path = Array(#"","path":""#.utf8)
        static let route = Array(#"","route":""#.utf8)
        static let status = Array(#"","status":"#.utf8)
        static let duration = Array(#","durationMs":"#.utf8)
        static let requestID = Array(#","requestId":""#.utf8)
        static let remote = Array(#"","remote":""#.utf8)
        static let end = Array(#""}"#.utf8)
    }

    /// The path plus the query with secret-looking values replaced.
    static func loggablePath(_ request: HTTPRequest) -> String {
        let path = String(request.routingPath)
        guard let query = request.queryString, !query.isEmpty else { return path }
        let parts = query.split(separator: "&").map { part -> String in
            guard let eq = part.firstIndex(of: "=") else { return String(part) }
            let name = PercentDecoding.decode(part[part.startIndex..<eq], plusAsSpace: true).lowercased()
            return secretNames.contains(name) ? "\(part[part.startIndex..<eq])=REDACTED" : String(part)
        }
        return path + "?" + parts.joined(separator: "&")
    }
}
