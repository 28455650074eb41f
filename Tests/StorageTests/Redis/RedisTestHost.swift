import Foundation
import Glibc
import Synchronization
@testable import Storage

/// A minimal event loop for the hosted-connection tests: one thread that runs its tasks' jobs
/// (it is their task executor, as an HTTP event loop is its handlers'), calls `io.run()` every
/// turn and waits in poll() on the connection's descriptor and its own wake pipe, as documented
/// in `RedisHostedIO`. `stop()` makes it call `hostStopped()` and exit after its last jobs.
final class RedisTestHost: TaskExecutor, @unchecked Sendable {
    // @unchecked: `io` and the pipe are immutable; `state` is a Mutex; the thread alone calls `io`.
    let io: RedisHostedIO
    private let state = Mutex<(jobs: [UnownedJob], stopping: Bool)>(([], false))
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let exited = Mutex<Bool>(false)

    init(io: RedisHostedIO) throws {
        self.io = io
        (wakeRead, wakeWrite) = try RedisSocket.makeWakePipe()
        let thread = Thread { [self] in run() }
        thread.name = "redis-test-host"
        thread.start()
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func stop() {
        state.withLock { $0.stopping = true }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    var hasExited: Bool { exited.withLock { $0 } }

    private func run() {
        var fds = [pollfd(fd: io.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        var scratch = [UInt8](repeating: 0, count: 64)
        while true {
            let (jobs, stopping) = state.withLock { state in
                defer { state.jobs = [] }
                return (state.jobs, state.stopping)
            }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if stopping { break }
            let asked = io.run()
            let pending = state.withLock { !$0.jobs.isEmpty }
            let timeout = pending ? 0 : (asked < 0 ? 100 : min(asked, 100))
            fds[0].revents = 0
            fds[1].revents = 0
            _ = poll(&fds, 2, timeout)
            if fds[1].revents != 0 { _ = read(wakeRead, &scratch, scratch.count) }
        }
        io.hostStopped()
        // The callers the stop failed are resumed onto this executor: run them to the end.
        for _ in 0..<100 {
            let jobs = state.withLock { state in
                defer { state.jobs = [] }
                return state.jobs
            }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            usleep(1000)
        }
        exited.withLock { $0 = true }
    }
}
