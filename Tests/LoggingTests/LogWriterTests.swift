import Dispatch
import Synchronization
import Testing
import TestSupport
@testable import Logging

/// A sink that blocks (stderr piped to a stalled reader) must not block the code that logs.
@Suite struct LogWriterTests {
    @Test func blockedSinkDropsAndCountsInsteadOfBlocking() async throws {
        let sink = StuckSink()
        let writer = LogWriter(capacity: 8) { sink.write($0) }
        defer { writer.stop() }
        let start = ContinuousClock.now
        for index in 0..<1_000 { writer.write("line \(index)") }
        #expect(ContinuousClock.now - start < .seconds(1))
        // At most two queues' worth got through: the batch the writer thread took (stuck on its first
        // line) and the queue refilled behind it.
        #expect(writer.droppedLines >= 1_000 - 16)
        sink.release()
        try await waitUntil { sink.written.withLock { $0.contains { $0.contains("log lines dropped") } } }
        let lines = sink.written.withLock { $0 }
        #expect(lines.first == "line 0")
        #expect(lines.filter { $0.hasPrefix("line ") }.count == 1_000 - writer.droppedLines)
    }

    /// Lines logged faster than the writer's linger reach the sink in order, complete, and in batches.
    @Test func burstsReachTheBatchSinkInOrderInFewCalls() async throws {
        let batches = Mutex<[[String]]>([])
        let writer = LogWriter(capacity: 10_000, linger: .milliseconds(5)) { lines in batches.withLock { $0.append(lines) } }
        defer { writer.stop() }
        for index in 0..<1_000 { writer.write("line \(index)") }
        try await waitUntil { batches.withLock { $0.joined().count } == 1_000 }
        let seen = batches.withLock { $0 }
        #expect(Array(seen.joined()) == (0..<1_000).map { "line \($0)" })
        #expect(seen.count < 100, "\(seen.count) sink calls for 1,000 lines")
        await writer.flush()
        #expect(writer.droppedLines == 0)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
