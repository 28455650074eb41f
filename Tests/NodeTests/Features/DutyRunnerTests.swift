import Coordination
import Logging
import Synchronization
import Testing
@testable import Node

/// Background duties run one generic way: a failing round is counted (by duty and reason) and
/// logged once per reason, a consumer loop that ends early is restarted, a start-up step stops
/// once done, and stop() ends them all promptly.
@Suite struct DutyRunnerTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        @discardableResult func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
        var count: Int { value.load(ordering: .relaxed) }
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    func make() -> (Logger, LogWriter, Lines, MetricsRegistry) {
        let lines = Lines()
        let writer = LogWriter(capacity: 1_024, sink: { line in lines.lines.withLock { $0.append(line) } })
        let metrics = MetricsRegistry()
        DutyRunner.describe(in: metrics)
        return (Logger(nodeID: "n", writer: writer), writer, lines, metrics)
    }

    func value(_ metrics: MetricsRegistry, _ name: String, _ labels: [(String, String)]) -> Double {
        metrics.series(name, labels)?.values.value ?? -1
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<300 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func periodicFailuresAreCountedByReasonAndLoggedOnce() async throws {
        let (logger, writer, lines, metrics) = make()
        defer { writer.stop() }
        let rounds = Counter()
        let duty = Duty("test.periodic", .periodic(.milliseconds(5))) {
            // Three failing rounds, then success.
            if rounds.next() <= 3 {
                throw CoordinationError(.sharedStateUnavailable, operation: "test", detail: "redis down")
            }
        }
        let runner = DutyRunner(duties: [duty], logger: logger, metrics: metrics)
        try await waitUntil { rounds.count >= 6 }
        await runner.stop()
        await writer.flush()
        #expect(value(metrics, DutyRunner.failures, [("duty", "test.periodic"), ("reason", "sharedStateUnavailable")]) == 3)
        #expect(lines.all.filter { $0.contains("test.periodic failing") }.count == 1)
        #expect(lines.all.filter { $0.contains("test.periodic recovered") }.count == 1)
        let after = rounds.count
        try await Task.sleep(for: .milliseconds(50))
        #expect(rounds.count == after, "a stopped duty kept running")
    }

    @Test func continuousDutyThatEndsEarlyIsRestarted() async throws {
        let (logger, writer, _, metrics) = make()
        defer { writer.stop() }
        let starts = Counter()
        let duty = Duty("test.loop", .continuous) { starts.next() }
        let runner = DutyRunner(duties: [duty], logger: logger, metrics: metrics)
        // Backoff 250 ms then 500 ms: a third start within about a second.
        try await waitUntil { starts.count >= 3 }
        await runner.stop()
        #expect(starts.count >= 3)
        #expect(value(metrics, DutyRunner.restarts, [("duty", "test.loop")]) >= 2)
    }

    @Test func untilDoneRetriesThenStopsAndStopEndsALongLoopAtOnce() async throws {
        let (logger, writer, _, metrics) = make()
        defer { writer.stop() }
        let attempts = Counter()
        let once = Duty("test.once", .untilDone) {
            if attempts.next() == 1 { throw CoordinationError(.historyUnavailable, operation: "t", detail: "pg down") }
        }
        let forever = Duty("test.forever", .continuous) {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }   // a consumer loop
        }
        let runner = DutyRunner(duties: [once, forever], logger: logger, metrics: metrics)
        try await waitUntil { attempts.count >= 2 }
        try await Task.sleep(for: .milliseconds(600))
        #expect(attempts.count == 2, "a finished start-up step ran again")
        let stopping = ContinuousClock.now
        await runner.stop()
        #expect(ContinuousClock.now - stopping < .seconds(2))
        #expect(value(metrics, DutyRunner.failures, [("duty", "test.once"), ("reason", "historyUnavailable")]) == 1)
    }
}
