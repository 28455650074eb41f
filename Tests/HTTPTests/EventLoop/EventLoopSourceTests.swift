import Glibc
import Synchronization
import Testing
@testable import HTTP

/// Sources attached to a loop (`EventLoop.attachSource`): run on every turn and when their
/// descriptor is readable, on the loop's thread, and stopped once when the loop stops.
@Suite struct EventLoopSourceTests {
    final class Probe: Sendable {
        let runs = Atomic<Int>(0)
        let offThread = Atomic<Int>(0)
        let stops = Atomic<Int>(0)
        let fds: (read: Int32, write: Int32)
        init() {
            var pair: [Int32] = [0, 0]
            _ = pipe(&pair)
            _ = fcntl(pair[0], F_SETFL, O_NONBLOCK)
            fds = (pair[0], pair[1])
        }
        deinit {
            close(fds.read)
            close(fds.write)
        }
    }

    @Test func runsOnTheLoopWhenReadableAndStopsOnce() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let probe = Probe()
        loop.attachSource(fileDescriptor: probe.fds.read, run: {
            probe.runs.add(1, ordering: .relaxed)
            if !loop.inEventLoop { probe.offThread.add(1, ordering: .relaxed) }
            var scratch: (UInt64, UInt64) = (0, 0)
            _ = withUnsafeMutableBytes(of: &scratch) { read(probe.fds.read, $0.baseAddress, $0.count) }
            // Ask for a 50 ms sleep at most: the loop must come back by itself.
            return 50
        }, stopped: { probe.stops.add(1, ordering: .relaxed) })
        try await Task.sleep(for: .milliseconds(300))
        // Idle: woken by the source's own timeout, about every 50 ms.
        let idleRuns = probe.runs.load(ordering: .relaxed)
        #expect(idleRuns >= 3)
        var byte: UInt8 = 1
        _ = write(probe.fds.write, &byte, 1)
        try await Task.sleep(for: .milliseconds(20))
        #expect(probe.runs.load(ordering: .relaxed) > idleRuns)
        await group.shutdown()
        #expect(probe.stops.load(ordering: .relaxed) == 1)
        #expect(probe.offThread.load(ordering: .relaxed) == 0)
        // Attached after the loop stopped: stopped at once, never run.
        let late = Probe()
        loop.attachSource(fileDescriptor: late.fds.read, run: { late.runs.add(1, ordering: .relaxed); return -1 },
                          stopped: { late.stops.add(1, ordering: .relaxed) })
        try await Task.sleep(for: .milliseconds(50))
        #expect(late.stops.load(ordering: .relaxed) == 1)
        #expect(late.runs.load(ordering: .relaxed) == 0)
    }
}
