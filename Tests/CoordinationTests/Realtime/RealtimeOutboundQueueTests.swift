import Testing
@testable import Coordination

/// Back-pressure policy: highest lane first, FIFO within a lane, lowest non-critical dropped first,
/// critical never dropped (only a hopeless consumer overflows).
@Suite struct RealtimeOutboundQueueTests {
    func drain(_ queue: inout RealtimeOutboundQueue) -> [String] {
        var out: [String] = []
        while let first = queue.first {
            out.append(first)
            queue.removeFirst()
        }
        return out
    }

    @Test func sendsHigherPrioritiesFirstAndFIFOWithinALane() {
        var queue = RealtimeOutboundQueue(capacity: 10, hardLimit: 20)
        for (text, priority) in [("l1", RealtimePriority.low), ("m1", .medium), ("c1", .critical), ("h1", .high),
                                 ("l2", .low), ("c2", .critical), ("m2", .medium)] {
            #expect(queue.push(text, priority: priority) == .queued)
        }
        #expect(queue.count == 7)
        #expect(drain(&queue) == ["c1", "c2", "h1", "m1", "m2", "l1", "l2"])
        #expect(queue.isEmpty)
    }

    /// Each row: what the full queue holds, the new message, the expected result and what remains.
    @Test(arguments: [
        ([RealtimePriority.low, .medium], RealtimePriority.high, RealtimeOutboundQueue.PushResult.queuedDropping(.low), ["n", "1"]),
        ([.medium, .low], .low, .queuedDropping(.low), ["0", "n"]),
        ([.medium, .medium], .low, .dropped, ["0", "1"]),
        ([.high, .medium], .medium, .queuedDropping(.medium), ["0", "n"]),
        ([.critical, .low], .critical, .queuedDropping(.low), ["0", "n"]),
        ([.critical, .critical], .low, .dropped, ["0", "1"]),
        ([.critical, .critical], .critical, .queued, ["0", "1", "n"]),
    ])
    func dropsTheLowestNonCriticalFirst(held: [RealtimePriority], new: RealtimePriority,
                                        result: RealtimeOutboundQueue.PushResult, remaining: [String]) {
        var queue = RealtimeOutboundQueue(capacity: 2, hardLimit: 3)
        for (index, priority) in held.enumerated() { _ = queue.push(String(index), priority: priority) }
        #expect(queue.push("n", priority: new) == result)
        #expect(Set(drain(&queue)) == Set(remaining))
    }

    @Test func dropsTheOldestOfTheLowestLane() {
        var queue = RealtimeOutboundQueue(capacity: 3, hardLimit: 3)
        _ = queue.push("l-old", priority: .low)
        _ = queue.push("l-new", priority: .low)
        _ = queue.push("h", priority: .high)
        #expect(queue.push("m", priority: .medium) == .queuedDropping(.low))
        #expect(drain(&queue) == ["h", "m", "l-new"])
    }

    @Test func criticalOverflowsOnlyPastTheHardLimit() {
        var queue = RealtimeOutboundQueue(capacity: 2, hardLimit: 4)
        for n in 0..<4 { #expect(queue.push("c\(n)", priority: .critical) == .queued) }
        #expect(queue.push("c4", priority: .critical) == .overflow)
        #expect(queue.push("low", priority: .low) == .dropped)
        #expect(drain(&queue) == ["c0", "c1", "c2", "c3"])
    }

    @Test func longRunsKeepOrderAcrossCompaction() {
        var queue = RealtimeOutboundQueue(capacity: 5_000, hardLimit: 5_000)
        var sent: [String] = []
        for n in 0..<5_000 {
            _ = queue.push(String(n), priority: .medium)
            if n % 3 != 0, let first = queue.first { sent.append(first); queue.removeFirst() }
        }
        sent += drain(&queue)
        #expect(sent.count == 5_000)
        #expect(sent == (0..<5_000).map(String.init), "order broken")
    }
}
