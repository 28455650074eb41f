import Synchronization
import Testing
@testable import Logging

/// A failure is logged once per distinct reason until the work succeeds again; every one is counted.
@Suite struct FailureLogTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    func makeLog() -> (FailureLog, Lines, LogWriter) {
        let lines = Lines()
        let writer = LogWriter(capacity: 1_024, sink: { line in lines.lines.withLock { $0.append(line) } })
        let log = FailureLog(component: "test.duty", logger: Logger(nodeID: "n", writer: writer))
        return (log, lines, writer)
    }

    @Test func alternatingReasonsAreEachLoggedOnceUntilRecovery() async {
        let (log, lines, writer) = makeLog()
        defer { writer.stop() }
        // A dependency that is down fails with one reason, then another, then the first again...
        for _ in 0..<10 {
            log.failed("connectionFailed", detail: "refused")
            log.failed("timeout", detail: "no answer")
        }
        await writer.flush()
        #expect(lines.all.filter { $0.contains("failing") }.count == 2)
        // ...and after a success the next failure is news again.
        log.succeeded()
        log.failed("timeout", detail: "no answer")
        await writer.flush()
        #expect(lines.all.filter { $0.contains("recovered") }.count == 1)
        #expect(lines.all.filter { $0.contains("failing") }.count == 3)
    }

    @Test func everyFailureIsCounted() {
        let counted = Mutex(0)
        let log = FailureLog(component: "c", logger: Logger(nodeID: "n", writer: LogWriter(capacity: 8, sink: { _ in }))) { _, _ in
            counted.withLock { $0 += 1 }
        }
        for _ in 0..<5 { log.failed("a", detail: ""); log.failed("b", detail: "") }
        #expect(counted.withLock { $0 } == 10)
    }
}
