import Logging
import Synchronization
import Testing
@testable import HTTP

/// Every synchronous-capable middleware gives the same response (status, headers in order, body) and the
/// same side effects (access log line, metrics observation) through `respondSynchronously` (no `Task`)
/// as through the async chain `respond(to:)`, for successes, thrown 4xx/5xx, 404 and 405.
@Suite struct SyncMiddlewareParityTests {
    struct Unknown: Error {}

    /// What a client can observe of a response.
    struct Outcome: Equatable, CustomStringConvertible {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        init(_ response: HTTPResponse) {
            status = response.status
            headers = response.headers
            body = String(decoding: response.bodyBytes ?? [], as: UTF8.self)
        }
        var description: String { "\(status) \(headers.map { "\($0.name): \($0.value)" }) \(body)" }
    }

    /// Sync routes for every outcome the chain must handle alike.
    static func router() -> Router {
        var router = Router()
        router.errorLog = { _ in }
        router.getSync("/ok/:id") { _, context in
            var response = HTTPResponse.text("ok " + (try context.parameter("id")))
            response.headers.add("X-Coordinator-Node", "from-handler")
            return response
        }
        router.postSync("/bad") { _, _ in throw HTTPError.badRequest("nope", field: "x") }
        router.getSync("/crash") { _, _ in throw Unknown() }
        return router
    }

    static func request(_ method: String, _ target: String, _ extra: [(String, String)] = []) -> HTTPRequest {
        var headers = HTTPHeaders([("X-Request-Id", "req-\(method)-\(target.utf8.count)")])
        for (name, value) in extra { headers.add(name, value) }
        var request = HTTPRequest(method: method, target: target, headers: headers)
        request.remoteAddress = "127.0.0.1:5000"
        return request
    }

    static let requests: [HTTPRequest] = [
        request("GET", "/ok/1?page=2&token=secret"), request("HEAD", "/ok/2"), request("POST", "/bad"),
        request("GET", "/crash"), request("GET", "/missing"), request("DELETE", "/ok/1"),
    ]

    /// Answers each request through both paths (sync first) and expects the same outcome; returns them.
    @discardableResult
    static func expectParity(_ responder: RouterResponder, _ requests: [HTTPRequest] = requests) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for request in requests {
            let sync = responder.respondSynchronously(to: request)
            #expect(sync != nil, "\(request.method) \(request.target) did not take the sync path")
            let async = Outcome(await responder.respond(to: request))
            #expect(sync.map(Outcome.init) == async, "\(request.method) \(request.target)")
            outcomes.append(async)
        }
        return outcomes
    }

    /// The access log line without its duration (the only field that may differ between two runs).
    static func withoutDuration(_ line: String) -> String {
        guard let start = line.range(of: #""durationMs":"#), let end = line[start.upperBound...].firstIndex(of: ",") else {
            return line
        }
        return String(line[..<start.lowerBound] + line[end...])
    }

    @Test func accessLogWritesTheSameLineOnBothPaths() async {
        let lines = Mutex<[String]>([])
        var router = Self.router()
        router.use(AccessLogMiddleware { line in lines.withLock { $0.append(line) } })
        let outcomes = await Self.expectParity(router.build())
        let logged = lines.withLock { $0 }
        #expect(logged.count == 2 * Self.requests.count)
        for index in Self.requests.indices {
            let (sync, async) = (logged[2 * index], logged[2 * index + 1])
            #expect(sync.contains(#""durationMs":"#))
            #expect(Self.withoutDuration(sync) == Self.withoutDuration(async))
            #expect(sync.contains(#""status":\#(outcomes[index].status)"#))
        }
        #expect(logged[0].hasPrefix(#"{"msg":"request","method":"GET","path":"/ok/1?page=2&token=REDACTED","route":"/ok/:id","status":200,"durationMs":"#))
        #expect(logged[0].hasSuffix(#","requestId":"req-GET-25","remote":"127.0.0.1:5000"}"#))
    }

    /// The access log's hand-laid line is exactly `LogLine.json` of its fields, escapes included.
    @Test func accessLogLineIsTheJSONOfItsFields() async {
        let lines = Mutex<[String]>([])
        var router = Self.router()
        router.use(AccessLogMiddleware { line in lines.withLock { $0.append(line) } })
        let responder = router.build()
        var quoted = HTTPRequest(method: "GET", target: "/ok/\"q\\é\u{01}?token=x&a=\"", headers: ["X-Request-Id": "id-1"])
        quoted.remoteAddress = "[::1]:80"
        let plain = HTTPRequest(method: "PATCH", target: "/missing", headers: ["X-Request-Id": "id-2"])
        for request in [quoted, plain] { _ = responder.respondSynchronously(to: request) }
        let logged = lines.withLock { $0 }
        #expect(logged.count == 2)
        for (line, request) in zip(logged, [quoted, plain]) {
            let duration = line.range(of: #""durationMs":"#).flatMap { start in
                line[start.upperBound...].split(separator: ",").first.flatMap { Double($0) }
            }
            var fields: [(String, LogLine.Value)] = [
                ("msg", .string("request")), ("method", .string(request.method)),
                ("path", .string(AccessLogMiddleware.loggablePath(request))),
                ("route", .string(request.method == "GET" ? "/ok/:id" : "unmatched")),
                ("status", .int(request.method == "GET" ? 200 : 404)), ("durationMs", .double(duration ?? -1)),
                ("requestId", .string(request.headers["x-request-id"] ?? "")),
            ]
            if let remote = request.remoteAddress { fields.append(("remote", .string(remote))) }
            #expect(line == LogLine.json(fields))
        }
        #expect(logged[0].contains(#""path":"/ok/\"q\\é\u0001?token=REDACTED&a=\"""#))
    }

    @Test func metricsObserveTheSameOnBothPaths() async {
        let seen = Mutex<[MetricsMiddleware.Observation]>([])
        var router = Self.router()
        router.use(MetricsMiddleware { observation in seen.withLock { $0.append(observation) } })
        await Self.expectParity(router.build())
        let observations = seen.withLock { $0 }
        #expect(observations.count == 2 * Self.requests.count)
        for index in Self.requests.indices {
            var (sync, async) = (observations[2 * index], observations[2 * index + 1])
            sync.duration = .zero
            async.duration = .zero
            #expect(sync == async)
        }
        #expect(observations.map(\.status) == [200, 200, 200, 200, 400, 400, 500, 500, 404, 404, 405, 405])
        #expect(observations[0].route == "/ok/:id" && observations[8].route == "unmatched")
    }

    @Test func corsDecoratesAndAnswersPreflightsAlikeOnBothPaths() async {
        let origin = "https://dash.example.com"
        var varied: [HTTPRequest] = Self.requests
        for request in Self.requests {
            varied.append(Self.request(request.method, request.target, [("Origin", origin)]))
            varied.append(Self.request(request.method, request.target, [("Origin", "https://evil.example")]))
        }
        let preflight = Self.request("OPTIONS", "/ok/1", [("Origin", origin), ("Access-Control-Request-Method", "POST")])
        varied.append(preflight)
        var exact = Self.router()
        exact.use(CORSMiddleware(allowedOrigins: [origin]))
        let outcomes = await Self.expectParity(exact.build(), varied)
        let allowed = outcomes[Self.requests.count]
        #expect(allowed.headers["access-control-allow-origin"] == origin)
        #expect(allowed.headers["access-control-expose-headers"] == "X-Request-Id, Retry-After")
        #expect(outcomes[Self.requests.count + 1].headers["access-control-allow-origin"] == nil)
        #expect(outcomes[Self.requests.count + 1].headers["vary"] == "Origin")
        #expect(outcomes.last?.status == 204)
        #expect(outcomes.last?.headers["access-control-max-age"] == "600")

        var configuration = CORSMiddleware.Configuration(allowedOrigins: ["*"])
        configuration.allowCredentials = true
        var wildcard = Self.router()
        wildcard.use(CORSMiddleware(configuration))
        let credentialed = await Self.expectParity(wildcard.build(), varied)
        #expect(credentialed[Self.requests.count + 1].headers["access-control-allow-credentials"] == "true")
    }

    @Test func responseHeaderReplacesTheHandlersOnBothPaths() async {
        var router = Self.router()
        router.use(ResponseHeaderMiddleware(name: "X-Coordinator-Node", value: "node-a"))
        let outcomes = await Self.expectParity(router.build())
        for outcome in outcomes {
            #expect(outcome.headers.values("x-coordinator-node") == ["node-a"], "\(outcome)")
        }
    }

    /// A sync middleware that refuses one path, to check that errors thrown inside the chain are decorated
    /// by the outer middleware alike.
    struct Refuse: HTTPSyncMiddleware {
        func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
            if request.path == "/ok/refused" { throw HTTPError.forbidden() }
            return await next(request, context)
        }
        func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
            if request.path == "/ok/refused" { throw HTTPError.forbidden() }
            return next(request, context)
        }
    }

    /// The node's order: request id, access log, metrics, node header, CORS, then an inner refusal.
    @Test func theWholeChainMatchesOnBothPaths() async {
        let lines = Mutex<[String]>([])
        let seen = Mutex<[MetricsMiddleware.Observation]>([])
        var router = Self.router()
        router.use(RequestIDMiddleware())
        router.use(AccessLogMiddleware { line in lines.withLock { $0.append(line) } })
        router.use(MetricsMiddleware { observation in seen.withLock { $0.append(observation) } })
        router.use(ResponseHeaderMiddleware(name: "X-Coordinator-Node", value: "node-a"))
        router.use(CORSMiddleware(allowedOrigins: ["https://dash.example.com"]))
        router.use(Refuse())
        let requests = Self.requests + [Self.request("GET", "/ok/refused", [("Origin", "https://dash.example.com")])]
        let outcomes = await Self.expectParity(router.build(), requests)
        let refused = outcomes[outcomes.count - 1]
        #expect(refused.status == 403)
        #expect(refused.headers["x-request-id"] == "req-GET-11")
        #expect(refused.headers["x-coordinator-node"] == "node-a")
        #expect(refused.headers["access-control-allow-origin"] == "https://dash.example.com")
        #expect(refused.body.contains(#""code":"forbidden""#))
        #expect(lines.withLock { $0.count } == 2 * requests.count)
        #expect(seen.withLock { $0.count } == 2 * requests.count)
    }
}
