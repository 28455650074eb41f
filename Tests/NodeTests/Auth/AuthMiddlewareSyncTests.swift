import Auth
import Foundation
import HTTP
import Testing
@testable import Node

/// The auth middleware gives the same answers through the synchronous path (sync routes, no `Task`) as
/// through the async chain: accepted tokens, 401 with `WWW-Authenticate`, 403, public routes.
@Suite struct AuthMiddlewareSyncTests {
    let secret = Array("0123456789abcdef0123456789abcdef".utf8)

    func responder() throws -> RouterResponder {
        var router = Router()
        router.use(RequestIDMiddleware())
        var routes = NodeRoutes(verifier: JWTVerifier(keys: [try JWTVerificationKey.hs256(secret: secret)]))
        routes.api.getSync("/user-thing") { _, context in .text("hello \(try context.require(.user).subject)") }
        routes.api.onSync("PUT", "/admin-thing") { _, context in
            try context.require(.admin)
            return .text("done")
        }
        routes.webhooks.postSync("/:service") { _, _ in .text("webhook") }
        routes.api.getSync("/forgot-to-check") { _, _ in .text("secret") }
        routes.browserSockets.getSync("/realtime") { _, context in .text("hello \(try context.claims().subject)") }
        routes.operations.getSync("/healthz") { _, _ in .text("ok") }
        routes.register(in: &router)
        return router.build()
    }

    func token(role: Role, expiresIn: TimeInterval = 3600) throws -> String {
        try JWTSigner.hs256(secret: secret).sign(JWTClaims(subject: "ana", role: role, expiresAt: Date().addingTimeInterval(expiresIn)))
    }

    @Test func bothPathsAnswerAlike() async throws {
        let responder = try responder()
        let user = try token(role: .user), admin = try token(role: .admin), expired = try token(role: .admin, expiresIn: -3600)
        let cases: [(String, String, [(String, String)], Int)] = [
            ("GET", "/api/v1/user-thing", [("Authorization", "Bearer \(user)")], 200),
            ("GET", "/api/v1/user-thing", [], 401),
            ("GET", "/api/v1/user-thing", [("Authorization", "Bearer \(expired)")], 401),
            ("GET", "/api/v1/user-thing", [("Authorization", "Basic abc")], 401),
            ("PUT", "/api/v1/admin-thing", [("Authorization", "Bearer \(user)")], 403),
            ("PUT", "/api/v1/admin-thing", [("Authorization", "Bearer \(admin)")], 200),
            ("POST", "/api/v1/external-services/webhook/stripe", [], 200),
            ("GET", "/api/v1/forgot-to-check", [], 401),
            ("GET", "/api/v1/realtime?access_token=\(user)", [("Upgrade", "websocket")], 200),
            ("GET", "/api/v1/realtime?access_token=\(user)", [], 401),
            ("OPTIONS", "/api/v1/user-thing", [], 405),
            ("GET", "/healthz", [], 200),
        ]
        for (method, target, extra, status) in cases {
            var headers = HTTPHeaders([("X-Request-Id", "fixed-id")])
            for (name, value) in extra { headers.add(name, value) }
            let request = HTTPRequest(method: method, target: target, headers: headers)
            let sync = responder.respondSynchronously(to: request)
            let async = await responder.respond(to: request)
            #expect(sync?.status == status, "\(method) \(target)")
            #expect(async.status == status, "\(method) \(target)")
            #expect(sync?.headers == async.headers, "\(method) \(target)")
            #expect(sync?.bodyBytes == async.bodyBytes, "\(method) \(target)")
            if status == 401 { #expect(async.headers["www-authenticate"] != nil) }
        }
    }

    /// A method a group route does not have is answered inside the group's middleware: an unauthenticated
    /// caller learns nothing about which methods exist (401, as before groups), an authenticated one
    /// gets 405 with `Allow`. OPTIONS stays outside (CORS preflights never carry a token).
    @Test func wrongMethodOnAGroupRouteIsAuthenticatedFirst() async throws {
        let responder = try responder()
        let user = try token(role: .user)
        let cases: [(String, String, [(String, String)], Int, String?)] = [
            ("DELETE", "/api/v1/user-thing", [], 401, nil),
            ("DELETE", "/api/v1/user-thing", [("Authorization", "Bearer \(user)")], 405, "GET, HEAD"),
            ("POST", "/api/v1/admin-thing", [], 401, nil),
            ("GET", "/api/v1/admin-thing", [("Authorization", "Bearer \(user)")], 405, "PUT"),
            ("HEAD", "/api/v1/admin-thing", [], 401, nil),
            ("OPTIONS", "/api/v1/user-thing", [], 405, "GET, HEAD"),
            ("GET", "/api/v1/external-services/webhook/stripe", [], 405, "POST"),
            ("DELETE", "/healthz", [], 405, "GET, HEAD"),
            ("GET", "/api/v1/no-such-thing", [], 404, nil),
        ]
        for (method, target, extra, status, allow) in cases {
            var headers = HTTPHeaders([("X-Request-Id", "fixed-id")])
            for (name, value) in extra { headers.add(name, value) }
            let request = HTTPRequest(method: method, target: target, headers: headers)
            let sync = responder.respondSynchronously(to: request)
            let async = await responder.respond(to: request)
            #expect(sync?.status == status, "\(method) \(target)")
            #expect(async.status == status, "\(method) \(target)")
            #expect(sync?.headers == async.headers, "\(method) \(target)")
            #expect(async.headers["allow"] == allow, "\(method) \(target)")
        }
    }
}
