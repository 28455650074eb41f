import Auth
import Foundation
import HTTP
import Testing
@testable import Node

/// The auth middleware in a real router, without sockets: tokens accepted, refused and role checks.
@Suite struct AuthMiddlewareTests {
    let secret = Array("0123456789abcdef0123456789abcdef".utf8)

    /// The node's own route groups (auth decided by group, never by path), with test routes.
    func responder() throws -> RouterResponder {
        var router = Router()
        var routes = NodeRoutes(verifier: JWTVerifier(keys: [try JWTVerificationKey.hs256(secret: secret)]))
        routes.api.get("/user-thing") { _, context in
            let claims = try context.require(.user)
            return .text("hello \(claims.subject)")
        }
        routes.api.put("/admin-thing") { _, context in
            try context.require(.admin)
            return .text("done")
        }
        routes.webhooks.post("/:service") { _, _ in .text("webhook") }
        // A route that forgets its own role check: the middleware alone must guard it.
        routes.api.get("/forgot-to-check") { _, _ in .text("secret") }
        routes.browserSockets.get("/realtime") { _, context in .text("hello \(try context.claims().subject)") }
        routes.operations.get("/healthz") { _, _ in .text("ok") }
        routes.register(in: &router)
        return router.build()
    }

    func token(role: Role, expiresIn: TimeInterval = 3600, secret: [UInt8]? = nil) throws -> String {
        try JWTSigner.hs256(secret: secret ?? self.secret).sign(JWTClaims(subject: "ana", role: role, expiresAt: Date().addingTimeInterval(expiresIn)))
    }

    func call(_ method: String, _ path: String, bearer: String?) async throws -> (Int, String, HTTPHeaders) {
        var headers: HTTPHeaders = [:]
        if let bearer { headers.add("Authorization", "Bearer \(bearer)") }
        let response = try await responder().respond(to: HTTPRequest(method: method, target: path, headers: headers))
        return (response.status, String(decoding: response.bodyBytes ?? [], as: UTF8.self), response.headers)
    }

    @Test func validTokenReachesTheRoute() async throws {
        let (status, body, _) = try await call("GET", "/api/v1/user-thing", bearer: token(role: .user))
        #expect(status == 200)
        #expect(body == "hello ana")
    }

    @Test func roleTooLowIs403AndHigherRolePasses() async throws {
        let (status, body, _) = try await call("PUT", "/api/v1/admin-thing", bearer: token(role: .manager))
        #expect(status == 403)
        #expect(body.contains(#""code":"forbidden""#))
        #expect(try await call("PUT", "/api/v1/admin-thing", bearer: token(role: .admin)).0 == 200)
    }

    @Test func missingExpiredTamperedAndForeignTokensAre401() async throws {
        let missing = try await call("GET", "/api/v1/user-thing", bearer: nil)
        #expect(missing.0 == 401)
        #expect(missing.2["www-authenticate"] != nil)
        #expect(try await call("GET", "/api/v1/user-thing", bearer: token(role: .user, expiresIn: -3600)).0 == 401)
        var tampered = try token(role: .user)
        // A different last character (both with zero unused bits): 1 in 16 tokens already ended in "A".
        let last = tampered.removeLast()
        tampered.append(last == "A" ? "E" : "A")
        #expect(try await call("GET", "/api/v1/user-thing", bearer: tampered).0 == 401)
        let foreign = try token(role: .admin, secret: Array("another-secret-another-secret-xx".utf8))
        #expect(try await call("GET", "/api/v1/user-thing", bearer: foreign).0 == 401)
        // alg none with an admin claim.
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let payload = Data(#"{"sub":"x","role":"admin","exp":9999999999}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(try await call("GET", "/api/v1/user-thing", bearer: "\(header).\(payload).").0 == 401)
        let body = missing.1
        #expect(body.contains(#""code":"unauthorized""#))
        #expect(body.contains(#""requestId""#))
    }

    @Test func theMiddlewareGuardsEveryApiRouteWhateverThePathSpelling() async throws {
        for path in ["/api/v1/forgot-to-check", "//api/v1/forgot-to-check", "/api//v1/forgot-to-check", "/api/v1//forgot-to-check/"] {
            let (status, body, _) = try await call("GET", path, bearer: nil)
            #expect(status == 401 || status == 404, "\(path) answered \(status) \(body)")
            #expect(!body.contains("secret"), "\(path) leaked")
        }
    }

    @Test func queryTokenOnlyOnTheWebSocketHandshake() async throws {
        let valid = try token(role: .user)
        let plain = try await responder().respond(to: HTTPRequest(method: "GET", target: "/api/v1/forgot-to-check?access_token=\(valid)"))
        #expect(plain.status == 401)
        let handshake = try await responder().respond(to: HTTPRequest(method: "GET", target: "/api/v1/realtime?access_token=\(valid)",
                                                                     headers: ["Upgrade": "websocket"]))
        #expect(handshake.status == 200)
        #expect(String(decoding: handshake.bodyBytes ?? [], as: UTF8.self) == "hello ana")
    }

    @Test func webhooksAndOperationsRoutesNeedNoToken() async throws {
        #expect(try await call("POST", "/api/v1/external-services/webhook/stripe", bearer: nil).0 == 200)
        #expect(try await call("GET", "/healthz", bearer: nil).0 == 200)
    }
}
