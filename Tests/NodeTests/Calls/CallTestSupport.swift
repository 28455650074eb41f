import Foundation
import Storage
import TestSupport

/// What the `/call` tests share: the environment that points nodes at the provider emulator, the
/// call request, and reads of the emulator's and PostgreSQL's independent records.
enum CallAPI {
    static let services = ["stripe", "twilio", "sendgrid", "samsara", "maps", "airtable"]

    /// A provider emulator on a free port (the binary `swift build` made beside the node's).
    static func startEmulator() async throws -> EmulatorProcess {
        try await EmulatorProcess.start()
    }

    /// COORD_UPSTREAM_<SERVICE> and demo credentials for every service, at the emulator.
    static func environment(_ emulator: EmulatorProcess, extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [:]
        for service in services {
            env["COORD_UPSTREAM_\(service.uppercased())"] = emulator.baseURL
            env["COORD_API_KEY_\(service.uppercased())"] = service == "twilio" ? "ACtest123:secret-token" : service == "stripe" ? "sk_test_emulator" : "test-key-\(service)"
        }
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func call(_ base: String, _ body: String, token: String? = nil) async throws -> TestHTTP.Reply {
        try await BudgetAPI.post(base, "call", try token ?? BudgetAPI.token(.user, subject: "call-test"), body)
    }

    /// The emulator's count of requests it received for `service`.
    static func requests(_ emulator: EmulatorProcess, _ service: String) async throws -> Int {
        let stats = try await emulator.stats()
        let services = stats["services"] as? [String: Any] ?? [:]
        return (services[service] as? [String: Any])?["requests"] as? Int ?? 0
    }

    /// Rows of `upstream_calls` for `service`: (request id, status, outcome, cost).
    static func calls(_ databaseURL: String, _ service: String) async throws -> [(requestID: String, status: Int, outcome: String, cost: Int64)] {
        let client = try PostgresClient(url: databaseURL)
        defer { client.shutdown() }
        let rows = try await client.query(
            "SELECT request_id, status, outcome, cost_micros FROM upstream_calls WHERE service = $1", [.text(service)])
        return try rows.map { row in
            (try row.decode(at: 0, as: String.self), Int(try row.decode(at: 1, as: Int64.self)),
             try row.decode(at: 2, as: String.self), try row.decode(at: 3, as: Int64.self))
        }
    }

    /// Waits for the ledger drain to move `count` calls of `service` into PostgreSQL.
    static func waitForCalls(_ databaseURL: String, _ service: String, count: Int) async throws -> Bool {
        try await eventually(timeout: .seconds(15)) { try await calls(databaseURL, service).count >= count }
    }
}
