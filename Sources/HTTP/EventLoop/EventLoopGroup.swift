import Foundation
import Synchronization

/// A fixed set of event loops, one thread each (default: one per core); connections are spread over them.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let nextIndex = Atomic<Int>(0)
    private let stopped = Mutex<Bool>(false)
    private let exits: [Exit]

    /// Signals, once, that a loop's thread has returned from `run()`.
    private final class Exit: Sendable {
        let done = Mutex<(finished: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
        func finish() {
            let waiters = done.withLock { state in
                state.finished = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = done.withLock { state in
                    if !state.finished { state.waiters.append(continuation) }
                    return state.finished
                }
                if finished { continuation.resume() }
            }
        }
    }

    public init(loopCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(SystemError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, loopCount) { loops.append(try EventLoop(index: index)) }
        self.loops = loops
        self.exits = loops.map { _ in Exit() }
        for (loop, exit) in zip(loops, exits) {
            let thread = Thread {
                loop.run()
                exit.finish()
            }
            thread.name = "http-loop-\(loop.index)"
            thread.start()
        }
    }

    /// Round-robin choice for work that is not tied to a connection.
    public func next() -> EventLoop {
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[abs(index % loops.count)]
    }

    /// Stops every loop and waits for their threads to return.
    public func shutdown() async {
        let alreadyStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        if !alreadyStopped { for loop in loops { loop.stop() } }
        for exit in exits { await exit.wait() }
    }
}
