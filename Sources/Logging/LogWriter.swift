import Dispatch
import Foundation
import Synchronization

/// Hands log lines to a dedicated thread through a bounded queue, so a stalled reader of stderr (a full
/// pipe) never blocks an event loop or a handler: past `capacity` lines are dropped and counted, and
/// the count is logged once the sink accepts lines again. The writer thread takes every queued line at
/// once and, after writing some, lingers a moment before looking again: under load lines go out in
/// batches (one write(2) for many lines, with `batchSink`) and producers rarely need to wake it.
public final class LogWriter: Sendable {
    /// The process's stderr writer (access log and router error log by default).
    public static let standardError = LogWriter(capacity: 8_192) { StandardError.write(lines: $0) }

    /// Queue and bookkeeping shared by producers and the writer thread.
    private struct State {
        var lines: [String] = []
        var dropped = 0
        var droppedTotal = 0
        var writerWaiting = false
        var stopped = false
        /// Lines taken from the queue but not yet through the sink.
        var writing = 0
    }

    private let capacity: Int
    private let sink: @Sendable ([String]) -> Void
    /// Microseconds the writer waits after a non-empty batch before taking the next one.
    private let lingerMicroseconds: UInt32
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// `sink` runs only on the writer thread, one line at a time, in order.
    public convenience init(capacity: Int, linger: Duration = .milliseconds(1), sink: @escaping @Sendable (String) -> Void) {
        self.init(capacity: capacity, linger: linger, batchSink: { lines in for line in lines { sink(line) } })
    }

    /// `batchSink` runs only on the writer thread, with the lines queued since its last call, in order.
    /// `linger` bounds how much later than queued a line is written under load (1 ms: a log line late
    /// by a millisecond costs nothing, a wake-up per line costs the event loops a futex call each).
    public init(capacity: Int, linger: Duration = .milliseconds(1), batchSink: @escaping @Sendable ([String]) -> Void) {
        self.capacity = max(1, capacity)
        self.sink = batchSink
        let micros = linger.wholeMicroseconds
        lingerMicroseconds = UInt32(clamping: max(0, micros))
        Thread.detachNewThread { [self] in run() }
    }

    /// Never blocks on I/O: queues the line, or drops it when the queue is full.
    public func write(_ line: String) {
        let signal = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            guard state.lines.count < capacity else {
                state.dropped += 1
                state.droppedTotal += 1
                return false
            }
            state.lines.append(line)
            // Only a waiting writer needs a wake-up (a futex call); a busy one finds the line itself.
            guard state.writerWaiting else { return false }
            state.writerWaiting = false
            return true
        }
        if signal { wake.signal() }
    }

    /// Lines dropped because the queue was full, since start.
    public var droppedLines: Int { state.withLock { $0.droppedTotal } }

    /// Waits (bounded) until every line queued so far has gone through the sink: a process calls it
    /// right before `exit` so its last lines ("stopped") are not lost with the writer thread.
    public func flush(timeout: Duration = .seconds(2)) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.lines.isEmpty && $0.writing == 0 }) { return }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Ends the writer thread after it writes what is queued (for writers that are not process-wide).
    public func stop() {
        let signal = state.withLock { state -> Bool in
            state.stopped = true
            let waiting = state.writerWaiting
            state.writerWaiting = false
            return waiting
        }
        if signal { wake.signal() }
    }

    private func run() {
        while true {
            let (lines, dropped, stopped) = state.withLock { state -> ([String], Int, Bool) in
                let taken = (state.lines, state.dropped, state.stopped)
                state.writing = taken.0.count
                state.lines = []
                state.dropped = 0
                if taken.0.isEmpty && taken.1 == 0 && !taken.2 { state.writerWaiting = true }
                return taken
            }
            if !lines.isEmpty { sink(lines) }
            state.withLock { $0.writing = 0 }
            if dropped > 0 {
                sink([LogLine.json([("msg", .string("log lines dropped: output stalled")), ("count", .int(dropped))])])
            }
            if lines.isEmpty && dropped == 0 {
                if stopped { return }
                wake.wait()
            } else if !stopped && lingerMicroseconds > 0 {
                // More lines are likely on their way: collect them for one write instead of waiting
                // to be woken for each (producers only signal a writer that is waiting).
                usleep(lingerMicroseconds)
            }
        }
    }
}
