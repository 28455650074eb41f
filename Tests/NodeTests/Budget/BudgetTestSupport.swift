import Auth
import Foundation
import Storage
import TestSupport

/// Requests and reads the budget tests share.
enum BudgetAPI {
    static func token(_ role: Role, subject: String = "budget-test") throws -> String {
        try JWTSigner.hs256(secret: Array(TestEnvironment.jwtSecret.utf8))
            .sign(JWTClaims(subject: subject, role: role, expiresAt: Date().addingTimeInterval(600)))
    }

    static func post(_ base: String, _ path: String, _ token: String, _ body: String) async throws -> TestHTTP.Reply {
        try await TestHTTP.request(base + "/api/v1/external-services/" + path, method: "POST", bearer: token,
                                   headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    static func put(_ base: String, _ path: String, _ token: String, _ body: String) async throws -> TestHTTP.Reply {
        try await TestHTTP.request(base + "/api/v1/external-services/" + path, method: "PUT", bearer: token,
                                   headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    /// The `cost-monitoring` entry of one service.
    static func monitoring(_ base: String, _ service: String) async throws -> [String: Any]? {
        let reply = try await TestHTTP.request(base + "/api/v1/external-services/cost-monitoring", bearer: try token(.manager))
        guard reply.status == 200 else { return nil }
        let services = try reply.json()["services"] as? [[String: Any]] ?? []
        return services.first { $0["service"] as? String == service }
    }

    /// Rows of `cost_events` for `service`: event id -> cost.
    static func ledger(_ databaseURL: String, _ service: String) async throws -> [String: Int64] {
        let client = try PostgresClient(url: databaseURL)
        defer { client.shutdown() }
        let rows = try await client.query("SELECT event_id, cost_micros FROM cost_events WHERE service = $1", [.text(service)])
        var out: [String: Int64] = [:]
        for row in rows { out[try row.decode(at: 0, as: String.self)] = try row.decode(at: 1, as: Int64.self) }
        return out
    }

    /// Waits until every node answers a budget decision (its counters are built: 503 before).
    static func waitForBudgets(_ base: String) async throws -> Bool {
        try await eventually(timeout: .seconds(20)) {
            try await monitoring(base, "stripe") != nil
        }
    }
}
