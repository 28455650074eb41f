import Foundation
import Logging
import Storage

/// A bounded chaos run of the PostgreSQL client (`coordinator-bench pg-soak`), driven by
/// `scripts/soak-postgres.sh`, which crash-restarts PostgreSQL meanwhile (`pg_ctl restart -m
/// immediate`). Tasks append numbered rows (half one row per statement, half in batches of 10 through
/// `insertBatch`) and remember which were acknowledged. At the end, with PostgreSQL up, it checks
/// what a user must be able to rely on: every acknowledged row is there (nothing acknowledged is
/// lost), no row is there that was never sent, errors have the codes an outage may produce, no call
/// hangs past its bound, and writes succeed again at the end.
struct PostgresSoak {
    let url: String
    let seconds: Double
    let tasks: Int

    /// What every task found, merged at the end.
    struct Tally: Sendable {
        var acknowledged: Set<Int64> = []
        /// Rows of calls that failed: they may or may not have been committed.
        var uncertain: Set<Int64> = []
        var errors: [String: Int] = [:]
        var violations: [String] = []
        var slowest: Duration = .zero
        var lastSuccess: ContinuousClock.Instant?

        mutating func merge(_ other: Tally) {
            acknowledged.formUnion(other.acknowledged)
            uncertain.formUnion(other.uncertain)
            errors.merge(other.errors, uniquingKeysWith: +)
            violations += other.violations.prefix(max(0, 20 - violations.count))
            slowest = max(slowest, other.slowest)
            if let last = other.lastSuccess { lastSuccess = max(lastSuccess ?? last, last) }
        }
    }

    /// Error codes a PostgreSQL outage may legitimately produce.
    static let outageCodes: Set<PostgresError.Code> = [.connectionFailed, .timeout, .poolExhausted, .server]
    /// SQLSTATEs of a server going away or not yet accepting connections (class 08, 57P01-57P03).
    static func isOutage(_ error: PostgresError) -> Bool {
        guard outageCodes.contains(error.code) else { return false }
        guard error.code == .server else { return true }
        guard let state = error.sqlState else { return true }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
    }

    func run() async throws -> Bool {
        var configuration = try PostgresConfiguration(url: url)
        configuration.connectTimeout = .seconds(2)
        configuration.acquireTimeout = .seconds(3)
        configuration.statementTimeout = .seconds(5)
        let client = try PostgresClient(configuration: configuration)
        let table = "soak_\(ProcessInfo.processInfo.processIdentifier)"
        try await client.execute("CREATE TABLE \(table) (id bigint PRIMARY KEY)")
        let stop = StopFlag()
        let bound = Duration.seconds(12)
        let tally = await withTaskGroup(of: Tally.self) { group in
            for index in 0..<tasks {
                group.addTask {
                    await Self.loop(client, table: table, task: Int64(index), batched: index % 2 == 1, stop: stop,
                                    bound: bound)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                stop.set()
                return Tally()
            }
            return await group.reduce(into: Tally()) { $0.merge($1) }
        }
        var violations = tally.violations
        // The final check may meet a server still starting after the last restart: retry a while.
        var stored: Set<Int64>?
        for _ in 0..<60 where stored == nil {
            if let rows = try? await client.query("SELECT id FROM \(table)") {
                var ids: Set<Int64> = []
                for row in rows { if let id = try? row.decode(at: 0, as: Int64.self) { ids.insert(id) } }
                stored = ids
            } else {
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        guard let stored else {
            print("violation the final SELECT never succeeded")
            return false
        }
        let lost = tally.acknowledged.subtracting(stored)
        let phantom = stored.subtracting(tally.acknowledged).subtracting(tally.uncertain)
        if !lost.isEmpty { violations.append("\(lost.count) acknowledged rows are missing, e.g. \(lost.sorted().prefix(5))") }
        if !phantom.isEmpty { violations.append("\(phantom.count) rows were never sent, e.g. \(phantom.sorted().prefix(5))") }
        _ = try? await client.execute("DROP TABLE \(table)")
        client.shutdown()

        print("acknowledged_rows \(tally.acknowledged.count)")
        print("uncertain_rows \(tally.uncertain.count) (of which stored: \(tally.uncertain.intersection(stored).count))")
        print("stored_rows \(stored.count)")
        for (code, count) in tally.errors.sorted(by: { $0.key < $1.key }) { print("error \(code) \(count)") }
        print("slowest_ms \(tally.slowest.wholeMilliseconds)")
        for violation in violations { print("violation \(violation)") }
        let recovered = tally.lastSuccess.map { ContinuousClock.now - $0 < .seconds(10) } ?? false
        if !recovered { print("violation no write succeeded near the end of the run") }
        return violations.isEmpty && recovered && !tally.acknowledged.isEmpty
    }

    /// One task: ids `task * 10^9 + n`, one per statement or ten per batch, each recorded as
    /// acknowledged or (after an error) uncertain.
    private static func loop(_ client: PostgresClient, table: String, task: Int64, batched: Bool, stop: StopFlag,
                             bound: Duration) async -> Tally {
        var tally = Tally()
        var next = task * 1_000_000_000
        while !stop.isSet {
            let ids = (0..<(batched ? 10 : 1)).map { next + Int64($0) }
            next += Int64(ids.count)
            let started = ContinuousClock.now
            var failure: PostgresError?
            do {
                if batched {
                    try await client.insertBatch(table: table, columns: ["id"], rows: ids.map { [.int64($0)] })
                } else {
                    try await client.execute("INSERT INTO \(table) (id) VALUES ($1)", [.int64(ids[0])])
                }
            } catch {
                failure = error
            }
            let took = ContinuousClock.now - started
            tally.slowest = max(tally.slowest, took)
            if took > bound { tally.violations.append("task \(task): a call took \(took) (bound \(bound))") }
            if let failure {
                tally.uncertain.formUnion(ids)
                tally.errors["\(failure.code)\(failure.sqlState.map { " \($0)" } ?? "")", default: 0] += 1
                if !isOutage(failure) { tally.violations.append("task \(task): unexpected error \(failure)") }
                try? await Task.sleep(for: .milliseconds(20))
            } else {
                tally.acknowledged.formUnion(ids)
                tally.lastSuccess = ContinuousClock.now
            }
        }
        return tally
    }
}
