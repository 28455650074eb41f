import Foundation
import Testing
import TestSupport
@testable import HTTP

/// Router behaviour seen over a real socket: 404/405 + Allow, CORS preflight, request ids, JSON errors.
@Suite struct HTTPServerRouterTests {
    struct NewItem: Decodable, Sendable {
        struct Owner: Decodable, Sendable { let name: String }
        let service: String
        let units: Int
        let owner: Owner?
    }

    static func router() -> Router {
        var router = testRouter()
        router.use(CORSMiddleware(allowedOrigins: ["https://dash.example"]))
        router.post("/items") { request, _ in
            let item = try request.decodeJSON(NewItem.self)
            return try .json(["service": item.service, "units": String(item.units)], status: 201)
        }
        router.get("/boom") { _, _ in throw CocoaError(.fileNoSuchFile) }
        return router
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
            let missing = try await client.response()
            #expect(missing.status == 404)
            #expect(missing.text.contains(#""code":"not_found""#))
            #expect(missing.headers["x-request-id"] != nil)
            try await client.send("DELETE /items/3 HTTP/1.1\r\nHost: t\r\n\r\n")
            let wrong = try await client.response()
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, HEAD")
        }
    }

    @Test func corsPreflightAndDecoration() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("OPTIONS /items HTTP/1.1\r\nHost: t\r\nOrigin: https://dash.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
            let preflight = try await client.response()
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == "https://dash.example")
            #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            #expect(preflight.headers["access-control-allow-headers"]?.contains("Content-Type") == true)
            #expect(preflight.headers["access-control-max-age"] == "600")
            #expect(preflight.headers.containsToken("Origin", in: "vary"))

            try await client.send("GET /nope HTTP/1.1\r\nHost: t\r\nOrigin: https://dash.example\r\n\r\n")
            let error = try await client.response()
            #expect(error.status == 404)
            #expect(error.headers["access-control-allow-origin"] == "https://dash.example")

            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\n\r\n")
            let foreign = try await client.response()
            #expect(foreign.headers["access-control-allow-origin"] == nil)
        }
    }

    @Test func saneRequestIdIsEchoedOthersReplaced() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123_x.y\r\n\r\n")
            #expect(try await client.response().headers["x-request-id"] == "abc-123_x.y")
            try await client.send("GET /nope HTTP/1.1\r\nHost: t\r\nX-Request-Id: bad id<script>\r\n\r\n")
            let replaced = try await client.response()
            let id = try #require(replaced.headers["x-request-id"])
            #expect(id != "bad id<script>" && RequestID.isSane(id))
            #expect(replaced.text.contains(#""requestId":"\#(id)""#))
        }
    }

    @Test func jsonErrorsNameTheField() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            func post(_ json: String) async throws -> TestClient.Response {
                try await client.send("POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)")
                return try await client.response()
            }
            let missing = try await post(#"{"service":"stripe"}"#)
            #expect(missing.status == 400)
            #expect(missing.text.contains(#""code":"missing_field""#))
            #expect(missing.text.contains(#""field":"units""#))
            let wrongType = try await post(#"{"service":"stripe","units":"many"}"#)
            #expect(wrongType.text.contains(#""field":"units""#))
            #expect(wrongType.text.contains(#""code":"invalid_field""#))
            let nested = try await post(#"{"service":"stripe","units":1,"owner":{"name":5}}"#)
            #expect(nested.text.contains(#""field":"owner.name""#))
            let broken = try await post(#"{"service":"#)
            #expect(broken.text.contains(#""code":"invalid_json""#))
            let ok = try await post(#"{"service":"stripe","units":2}"#)
            #expect(ok.status == 201)
        }
    }

    @Test func unknownErrorIsGeneric500() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try await client.response()
            #expect(response.status == 500)
            #expect(response.text.contains(#""code":"internal_error""#))
            #expect(!response.text.contains("CocoaError") && !response.text.contains("fileNoSuchFile"))
        }
    }
}
