import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Minimal HTTP calls for end-to-end tests, through URLSession (libcurl underneath): a real client
/// talking to a real node over loopback.
enum TestHTTP {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 15
        return URLSession(configuration: configuration)
    }()

    static func request(_ url: String, method: String = "GET", bearer: String? = nil,
                        headers: [String: String] = [:], body: Data? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h["\(k)"] = "\(v)" }
        return Reply(status: http.statusCode, headers: h, body: data)
    }
}

/// The servers the test script started; a test that needs them fails clearly without them.
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        var variable: String
        var description: String { "\(variable) is not set: run the tests through scripts/test.sh (it starts Redis and PostgreSQL)" }
    }

    static func value(_ name: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { throw Missing(variable: name) }
        return v
    }

    static func redisURL() throws -> String { try value("COORD_TEST_REDIS_URL") }
    static func databaseURL() throws -> String { try value("COORD_TEST_DATABASE_URL") }

    static let jwtSecret = "node-tests-secret-0123456789abcdef"

    /// The environment of a test node: port 0 (it announces the real one), test servers, a test secret.
    static func nodeEnvironment(id: String, extra: [String: String] = [:]) throws -> [String: String] {
        var env = [
            "COORD_NODE_ID": id,
            "COORD_HTTP_PORT": "0",
            "COORD_REDIS_URL": try redisURL(),
            "COORD_DATABASE_URL": try databaseURL(),
            "COORD_JWT_SECRET": jwtSecret,
            "COORD_EVENT_LOOPS": "1",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }
}
