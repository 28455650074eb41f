import Logging
import Foundation
@testable import HTTP
@testable import Node
import Testing
import TestSupport

/// docs/openapi.json: served at GET /openapi.json as the file's bytes, a 3.1 document, and naming
/// exactly the routes the node's router registers (a new route without its operation fails here).
@Suite struct OpenAPIDocumentTests {
    static var documentURL: URL { NodeProcess.repositoryRoot.appendingPathComponent("docs/openapi.json") }

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: documentURL)) as? [String: Any])
    }

    /// "GET /api/v1/items/{id}" for every operation in the document.
    static func documentedOperations() throws -> Set<String> {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return Set(paths.flatMap { path, item in
            item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
    }

    /// "GET /api/v1/items/{id}" for every route in a router (`:id` written as OpenAPI's `{id}`).
    static func registeredOperations(_ router: Router) -> Set<String> {
        var out: Set<String> = []
        func walk(_ node: RouteTrie.Draft) {
            for (method, route) in node.routes {
                let path = route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                out.insert("\(method) /\(path.joined(separator: "/"))")
            }
            node.literals.values.forEach(walk)
            node.parameter.forEach(walk)
        }
        walk(router.trie.root)
        return out
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        var environment = try TestEnvironment.nodeEnvironment(id: "openapi-routes")
        environment["COORD_OPENAPI_FILE"] = Self.documentURL.path
        let configuration = try NodeConfiguration(environment: environment)
        let app = try NodeApp(configuration: configuration, logger: Logger(nodeID: configuration.nodeID))
        let registered = Self.registeredOperations(app.makeRouter())
        await app.services.redis.shutdown()
        app.services.postgres.shutdown()
        let documented = try Self.documentedOperations()
        #expect(registered.contains("GET /openapi.json"))
        #expect(registered.subtracting(documented).isEmpty,
                "routes missing from docs/openapi.json: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty,
                "docs/openapi.json documents routes the node does not serve: \(documented.subtracting(registered).sorted())")
    }

    @Test func aNodeServesTheFileAsJSON() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "openapi-serve"))
        let port = try await node.waitForPort()
        let reply = try await TestHTTP.request("http://127.0.0.1:\(port)/openapi.json")
        await node.stop()
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/json")
        #expect(reply.body == (try Data(contentsOf: Self.documentURL)), "served bytes differ from docs/openapi.json")
        let object = try reply.json()
        let version = try #require(object["openapi"] as? String)
        #expect(version.hasPrefix("3.1."), "openapi is \(version)")
        #expect((object["paths"] as? [String: Any])?["/api/v1/realtime/publish"] != nil)
    }

    @Test func aNodeWithoutTheFileAnswers404AndServesTheRest() async throws {
        let node = try NodeProcess(environment: TestEnvironment.nodeEnvironment(id: "openapi-missing", extra: [
            "COORD_OPENAPI_FILE": "/nonexistent/openapi.json",
        ]))
        let port = try await node.waitForPort()
        let missing = try await TestHTTP.request("http://127.0.0.1:\(port)/openapi.json")
        let health = try await TestHTTP.request("http://127.0.0.1:\(port)/healthz")
        await node.stop()
        #expect(missing.status == 404)
        #expect((try missing.json()["error"] as? [String: Any])?["code"] as? String == "not_found")
        #expect(health.status == 200)
        #expect(node.lines.contains { $0.contains("openapi document unavailable") && $0.contains("/nonexistent/openapi.json") },
                "\(node.log)")
    }

    @Test func onlyA31DocumentIsServed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func load(_ text: String) throws -> OpenAPIDocument {
            let file = directory.appendingPathComponent("doc.json")
            try Data(text.utf8).write(to: file)
            return OpenAPIDocument.load(environment: ["COORD_OPENAPI_FILE": file.path])
        }
        #expect(try load(#"{"openapi":"3.1.0","info":{},"paths":{}}"#).bytes != nil)
        #expect(try load(#"{"openapi":"3.0.3","info":{},"paths":{}}"#).bytes == nil)
        #expect(try load("not json").bytes == nil)
        #expect(try load("[]").bytes == nil)
        #expect(OpenAPIDocument.load(environment: [:]).path == "docs/openapi.json")
        #expect(OpenAPIDocument.load(environment: ["COORD_OPENAPI_FILE": ""]).path == "docs/openapi.json")
    }
}
