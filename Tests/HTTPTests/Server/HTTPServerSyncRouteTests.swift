import Testing
import TestSupport
@testable import HTTP

/// Synchronous routes over a real socket: answered on the loop, kept in order with async ones.
@Suite struct HTTPServerSyncRouteTests {
    static func router() -> Router {
        var router = Router()
        router.errorLog = { _ in }
        router.getSync("/fast") { _, _ in .text("fast") }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .milliseconds(20))
            return .text("slow")
        }
        router.getSync("/fail") { _, _ in throw HTTPError.badRequest("bad input") }
        return router
    }

    @Test func syncAndAsyncRoutesAnswerInOrderOnOneConnection() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            // Pipelined: the sync answer must wait behind the slower async one.
            try await client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /fail HTTP/1.1\r\nHost: t\r\n\r\nGET /none HTTP/1.1\r\nHost: t\r\n\r\n")
            let slow = try await client.response()
            let fast = try await client.response()
            let fail = try await client.response()
            let none = try await client.response()
            #expect(slow.status == 200 && slow.text == "slow")
            #expect(fast.status == 200 && fast.text == "fast")
            #expect(fail.status == 400 && fail.text.contains(#""code":"invalid_request""#))
            #expect(none.status == 404)
            for _ in 0..<3 {
                try await client.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.response().text == "fast")
            }
        }
    }
}
