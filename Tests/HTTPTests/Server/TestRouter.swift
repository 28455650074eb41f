@testable import HTTP

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
