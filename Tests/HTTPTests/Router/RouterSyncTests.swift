import Synchronization
import Testing
@testable import HTTP

/// Synchronous routes: answered without suspending when no middleware is set, through the async chain
/// otherwise, with the same error responses either way.
@Suite struct RouterSyncTests {
    static func body(_ response: HTTPResponse?) -> String {
        String(decoding: response?.bodyBytes ?? [], as: UTF8.self)
    }

    struct Unknown: Error {}

    static func router() -> Router {
        var router = Router()
        router.errorLog = { _ in }
        router.getSync("/sync/:id") { _, context in .text("sync " + (try context.parameter("id"))) }
        router.get("/async") { _, _ in .text("async") }
        router.postSync("/bad") { _, _ in throw HTTPError.badRequest("nope") }
        router.getSync("/crash") { _, _ in throw Unknown() }
        return router
    }

    @Test func syncRouteAnswersSynchronouslyWithParameters() async {
        let responder = Self.router().build()
        let response = responder.respondSynchronously(to: HTTPRequest(method: "GET", target: "/sync/a%20b"))
        #expect(response?.status == 200)
        #expect(Self.body(response) == "sync a b")
        // HEAD falls back to GET on the sync path too.
        #expect(responder.respondSynchronously(to: HTTPRequest(method: "HEAD", target: "/sync/1"))?.status == 200)
        // The async path still serves the same sync route.
        #expect(Self.body(await responder.respond(to: HTTPRequest(method: "GET", target: "/sync/7"))) == "sync 7")
    }

    @Test func asyncRouteFallsBackToTheAsyncPath() async {
        let responder = Self.router().build()
        #expect(responder.respondSynchronously(to: HTTPRequest(method: "GET", target: "/async")) == nil)
        #expect(Self.body(await responder.respond(to: HTTPRequest(method: "GET", target: "/async"))) == "async")
    }

    @Test func errorsInSyncHandlersMatchTheAsyncPath() async {
        let responder = Self.router().build()
        for (method, target, status) in [("POST", "/bad", 400), ("GET", "/crash", 500), ("GET", "/nope", 404),
                                         ("DELETE", "/sync/1", 405)] {
            let request = HTTPRequest(method: method, target: target)
            let sync = responder.respondSynchronously(to: request)
            let async = await responder.respond(to: request)
            #expect(sync?.status == status)
            #expect(async.status == status)
            #expect(sync?.headers["allow"] == async.headers["allow"])
            let code = Self.body(async).split(separator: ",").first { $0.contains("\"code\"") }
            #expect(code != nil && Self.body(sync).contains(code ?? "missing"))
        }
    }

    @Test func routerWithoutSyncRoutesNeverAnswersSynchronously() {
        var router = Router()
        router.get("/a") { _, _ in .text("a") }
        #expect(router.build().respondSynchronously(to: HTTPRequest(method: "GET", target: "/nope")) == nil)
    }

    /// A sync route behind async middleware takes the async chain, so the middleware still decorates it.
    @Test func syncRouteWithMiddlewareUsesTheChain() async {
        var router = Self.router()
        router.use(ClosureMiddleware { request, context, next in
            var response = await next(request, context)
            response.headers.add("X-Wrapped", "yes")
            return response
        })
        let responder = router.build()
        let request = HTTPRequest(method: "GET", target: "/sync/1")
        #expect(responder.respondSynchronously(to: request) == nil)
        let response = await responder.respond(to: request)
        #expect(Self.body(response) == "sync 1")
        #expect(response.headers["x-wrapped"] == "yes")
        let failed = await responder.respond(to: HTTPRequest(method: "POST", target: "/bad"))
        #expect(failed.status == 400)
        #expect(failed.headers["x-wrapped"] == "yes")
    }

    /// A throwing sync middleware, to check errors become responses at its own boundary.
    struct Refuse: HTTPSyncMiddleware {
        func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPNext) async throws -> HTTPResponse {
            if request.path == "/refused" { throw HTTPError.forbidden() }
            return await next(request, context)
        }
        func handleSync(_ request: HTTPRequest, context: RequestContext, next: HTTPSyncNext) throws -> HTTPResponse {
            if request.path == "/refused" { throw HTTPError.forbidden() }
            return next(request, context)
        }
    }

    /// All-synchronous middleware keeps the sync path; outer middleware decorates inner errors.
    @Test func syncMiddlewareChainAnswersSynchronously() async {
        var router = Self.router()
        router.use(RequestIDMiddleware())
        router.use(Refuse())
        router.getSync("/refused") { _, _ in .text("never") }
        let responder = router.build()
        var headers = HTTPHeaders()
        headers.add("X-Request-Id", "abc-123")
        let ok = responder.respondSynchronously(to: HTTPRequest(method: "GET", target: "/sync/5", headers: headers))
        #expect(Self.body(ok) == "sync 5")
        #expect(ok?.headers["x-request-id"] == "abc-123")
        for (target, status) in [("/refused", 403), ("/crash", 500), ("/nope", 404)] {
            let response = responder.respondSynchronously(to: HTTPRequest(method: "GET", target: target))
            #expect(response?.status == status)
            #expect(response?.headers["x-request-id"] != nil)
        }
        // An async route behind sync middleware still falls back to the async chain.
        #expect(responder.respondSynchronously(to: HTTPRequest(method: "GET", target: "/async")) == nil)
        let async = await responder.respond(to: HTTPRequest(method: "GET", target: "/async"))
        #expect(async.status == 200 && async.headers["x-request-id"] != nil)
    }
}
