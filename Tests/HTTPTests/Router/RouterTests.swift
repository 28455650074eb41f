import Synchronization
import Auth
import Testing
@testable import HTTP

/// The router without sockets: trie matching, 404/405, middleware order, error boundaries, hooks.
@Suite struct RouterTests {
    static func body(_ response: HTTPResponse) -> String { String(decoding: response.bodyBytes ?? [], as: UTF8.self) }

    @Test func trieMatchesLiteralsBeforeParametersWithBacktracking() async {
        var router = Router()
        router.get("/a/b/c") { _, _ in .text("literal") }
        router.get("/a/:x/d") { _, c in .text("param \(c.pathParameters["x"] ?? "")") }
        router.get("/users/:id/posts/:post") { _, c in
            .text("\(c.pathParameters["id"] ?? "")-\(c.pathParameters["post"] ?? "")-\(c.routePattern ?? "")")
        }
        let responder = router.build()
        #expect(Self.body(await responder.respond(to: HTTPRequest(method: "GET", target: "/a/b/c"))) == "literal")
        #expect(Self.body(await responder.respond(to: HTTPRequest(method: "GET", target: "/a/b/d"))) == "param b")
        #expect(Self.body(await responder.respond(to: HTTPRequest(method: "GET", target: "/users/j%20d/posts/7?x=1")))
                == "j d-7-/users/:id/posts/:post")
        #expect(await responder.respond(to: HTTPRequest(method: "GET", target: "/a/b")).status == 404)
        #expect(await responder.respond(to: HTTPRequest(method: "GET", target: "/a/b/c/")).status == 200)
    }

    /// Empty segments are not collapsed: `//a/b/c` or `/a//b/c` is not `/a/b/c`. One trailing slash is.
    @Test(arguments: ["//a/b/c", "/a//b/c", "/a/b//c", "/a/b/c//", "//", "/a/b/c/?x=1/"])
    func emptySegmentsDoNotMatch(_ target: String) async {
        var router = Router()
        router.get("/") { _, _ in .text("root") }
        router.get("/a/b/c") { _, _ in .text("literal") }
        router.get("/a/:x/c") { _, _ in .text("param") }
        let responder = router.build()
        let status = await responder.respond(to: HTTPRequest(method: "GET", target: target)).status
        #expect(status == (target == "/a/b/c/?x=1/" ? 200 : 404))
        #expect(await responder.respond(to: HTTPRequest(method: "GET", target: "/")).status == 200)
    }

    @Test func methodNotAllowedListsAllowAndHeadFallsBackToGet() async {
        var router = Router()
        router.get("/r") { _, _ in .text("g") }
        router.post("/r") { _, _ in .text("p") }
        let responder = router.build()
        let wrong = await responder.respond(to: HTTPRequest(method: "DELETE", target: "/r"))
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "GET, HEAD, POST")
        #expect(Self.body(wrong).contains(#""code":"method_not_allowed""#))
        #expect(await responder.respond(to: HTTPRequest(method: "HEAD", target: "/r")).status == 200)
    }

    @Test func queryParametersArePercentDecoded() {
        let request = HTTPRequest(method: "GET", target: "/q?a=1&b=x%20y+z&a=2&flag&e=%zz#frag")
        #expect(request.query["a"] == "1")
        #expect(request.query.values("a") == ["1", "2"])
        #expect(request.query["b"] == "x y z")
        #expect(request.query["flag"] == "")
        #expect(request.query["e"] == "%zz")
        #expect(request.path == "/q")
        #expect(HTTPRequest(method: "GET", target: "http://example.com/a/b?c=d").path == "/a/b")
        #expect(HTTPRequest(method: "GET", target: "http://example.com").path == "/")
    }

    @Test func middlewareRunsInOrderAndDecoratesErrors() async {
        let trace = Mutex<[String]>([])
        var router = Router()
        for name in ["outer", "inner"] {
            router.use(ClosureMiddleware { request, context, next in
                trace.withLock { $0.append("\(name)>") }
                var response = await next(request, context)
                trace.withLock { $0.append("<\(name)") }
                response.headers.add("X-Seen", name)
                return response
            })
        }
        router.get("/fail") { _, _ in throw HTTPError.conflict("already there") }
        let response = await router.build().respond(to: HTTPRequest(method: "GET", target: "/fail"))
        #expect(trace.withLock { $0 } == ["outer>", "inner>", "<inner", "<outer"])
        #expect(response.status == 409)
        #expect(response.headers.values("X-Seen") == ["inner", "outer"])
    }

    @Test func middlewareErrorsBecomeResponsesSeenByOuterMiddleware() async {
        var router = Router()
        router.use(RequestIDMiddleware())
        router.use(ClosureMiddleware { _, _, _ in throw HTTPError.unauthorized() })
        router.get("/x") { _, _ in .text("never") }
        let response = await router.build().respond(to: HTTPRequest(method: "GET", target: "/x", headers: ["X-Request-Id": "rid-1"]))
        #expect(response.status == 401)
        #expect(response.headers["X-Request-Id"] == "rid-1")
        #expect(response.headers["WWW-Authenticate"] == "Bearer")
        #expect(Self.body(response) == #"{"error":{"code":"unauthorized","message":"Missing or invalid credentials."},"requestId":"rid-1"}"#)
    }

    @Test func principalSetByMiddlewareReachesHandler() async {
        var router = Router()
        router.use(ClosureMiddleware { request, context, next in
            var context = context
            context.principal = .provider(service: "alice")
            return await next(request, context)
        })
        router.get("/me") { _, context in
            guard case .provider(let name)? = context.principal else { return .text("nobody") }
            return .text(name)
        }
        #expect(Self.body(await router.build().respond(to: HTTPRequest(method: "GET", target: "/me"))) == "alice")
    }

    @Test func unknownErrorsAreGeneric500AndLogged() async {
        struct Secret: Error { let detail = "db password is hunter2" }
        let logged = Mutex<[String]>([])
        var router = Router()
        router.errorLog = { line in logged.withLock { $0.append(line) } }
        router.get("/boom") { _, _ in throw Secret() }
        let response = await router.build().respond(to: HTTPRequest(method: "GET", target: "/boom"))
        #expect(response.status == 500)
        #expect(!Self.body(response).contains("hunter2"))
        #expect(logged.withLock { $0.joined() }.contains("hunter2"))
    }

    @Test func metricsAndAccessLogSeeRoutePatternAndNoSecrets() async {
        let observations = Mutex<[MetricsMiddleware.Observation]>([])
        let lines = Mutex<[String]>([])
        var router = Router()
        router.use(AccessLogMiddleware { line in lines.withLock { $0.append(line) } })
        router.use(MetricsMiddleware { observation in observations.withLock { $0.append(observation) } })
        router.get("/items/:id") { _, _ in .text("ok") }
        let responder = router.build()
        _ = await responder.respond(to: HTTPRequest(method: "GET", target: "/items/42?access_token=tok123&page=2",
                                                    headers: ["Authorization": "Bearer sekrit"]))
        _ = await responder.respond(to: HTTPRequest(method: "GET", target: "/missing"))
        let seen = observations.withLock { $0 }
        #expect(seen.map(\.route) == ["/items/:id", "unmatched"])
        #expect(seen.map(\.status) == [200, 404])
        let line = lines.withLock { $0.first ?? "" }
        #expect(line.contains(#""path":"/items/42?access_token=REDACTED&page=2""#))
        #expect(line.contains(#""route":"/items/:id""#) && line.contains(#""status":200"#) && line.contains("durationMs"))
        #expect(!line.contains("tok123") && !line.contains("sekrit"))
    }

    @Test(arguments: ["/", "/a/b", "/a/b?x=1", "/a#frag", "/a?x=1#f", "/?", "//x", "http://h.example/p/q?z=1",
                      "http://h.example", "https://h.example:8443/p#f", "*", "h.example:443", "", "/é/%20?ü"])
    func routingPathEqualsPath(_ target: String) {
        let request = HTTPRequest(method: "GET", target: target)
        #expect(request.routingPath == request.path)
    }

    /// The exact-path table gives the node the trie walk gives, for literal, parameter, trailing-slash
    /// and empty-segment paths alike.
    @Test func literalPathTableAgreesWithTheTrie() {
        var trie = RouteTrie()
        for pattern in ["/", "/a", "/a/b", "/a/:x", "/a/:x/c", "/a/b/c", "/p/:q", "/p/lit/z", "/x/y%20z"] {
            trie.insert(method: "GET", pattern: pattern) { _, _ in .text(pattern) }
        }
        let root = RouteTrie.Node(trie.root)
        let table = RouteTrie.literalPaths(root)
        #expect(Set(table.keys) == ["/", "/a", "/a/b", "/a/b/c", "/p/lit/z", "/x/y%20z"])
        for path in ["/", "", "/a", "/a/", "/a//", "//a", "/a/b", "/a/b/", "/a/q", "/a/q/c", "/a/b/c", "/a/b/c/", "/p/lit",
                     "/p/lit/z", "/p/other", "/nope", "/x/y%20z", "/x/y z", "/a//b", "/a/b//", "//", "///"] {
            let walked = RouteTrie.match(path, in: root)?.node
            if let fast = RouteTrie.literalMatch(path[...], in: table) {
                #expect(fast === walked, "\(path)")
            }
        }
    }

    @Test func requestIDSanity() {
        #expect(RequestID.isSane("abc-DEF_1.2"))
        #expect(!RequestID.isSane(""))
        #expect(!RequestID.isSane(String(repeating: "a", count: 129)))
        #expect(!RequestID.isSane("a b"))
        #expect(RequestID.generate().count == 32)
        #expect(RequestID.resolve("x y") != "x y")
    }
}
