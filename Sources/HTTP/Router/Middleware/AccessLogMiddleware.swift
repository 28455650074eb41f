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

    /// The one place the line is built, for both paths.
    private func log(_ request: HTTPRequest, _ context: RequestContext, _ response: HTTPResponse) {
        let elapsed = context.elapsed
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        let path = Self.loggablePath(request)
        var line = LogLine.Builder(capacity: 160 + path.utf8.count)
        line.add("msg", .string("request"))
        line.add("method", .string(request.method))
        line.add("path", .string(path))
        line.add("route", .string(context.routePattern ?? "unmatched"))
        line.add("status", .int(response.status))
        line.add("durationMs", .double((milliseconds * 1_000).rounded() / 1_000))
        line.add("requestId", .string(context.requestID))
        if let remote = request.remoteAddress { line.add("remote", .string(remote)) }
        sink(line.finish())
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
