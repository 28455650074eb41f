import Testing
@testable import HTTP

/// Starts a server on port 0 with `router`, runs `body`, and always shuts the server down.
func withTestServer(router: Router, configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                    _ body: (HTTPServer, Int) async throws -> Void) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.loopCount = 2
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, router: router)
    try await server.listen()
    let port = try #require(server.localPort)
    do {
        try await body(server, port)
    } catch {
        await server.shutdown(deadline: .seconds(1))
        throw error
    }
    await server.shutdown(deadline: .seconds(1))
}

/// A router with the routes most end-to-end tests use.
func testRouter() -> Router {
    var router = Router()
    router.use(RequestIDMiddleware())
    router.get("/hello") { _, _ in .text("hello") }
    router.get("/items/:id") { _, context in .text("item " + (try context.parameter("id"))) }
    router.post("/echo") { request, _ in HTTPResponse(status: 200, body: request.body) }
    router.get("/sleep/:ms") { _, context in
        let ms = Int(try context.parameter("ms")) ?? 0
        try await Task.sleep(for: .milliseconds(ms))
        return .text("slept \(ms)")
    }
    router.get("/stream") { _, _ in
        HTTPResponse(status: 200) { writer in
            for index in 0..<3 { try await writer.write("part\(index);") }
        }
    }
    return router
}
