import Foundation
import Synchronization

/// A dedicated OS thread owning one libpq session: blocking libpq calls run here, never on Swift's
/// cooperative pool or an event loop, and callers await their results through continuations.
final class PostgresWorker: Sendable {
    private typealias Job = @Sendable (PostgresSession) -> Void

    private struct State {
        var jobs: [Job] = []
        var stopped = false
    }

    private let state = Mutex(State())
    /// One signal per queued job, plus one for `stop()`.
    private let wakeup = DispatchSemaphore(value: 0)
    private let cancelKey = PostgresCancelKey()

    init(configuration: PostgresConfiguration, name: String) {
        let thread = Thread { [self] in runLoop(configuration) }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the worker thread with its session. Cancelling the calling task asks the server
    /// to cancel the running statement; the result still comes back (as an error if it was stopped).
    func run<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        // An already-cancelled task fails at once rather than racing a cancel request to the server.
        guard !Task.isCancelled else {
            throw PostgresError(code: .cancelled, message: "task cancelled before the statement was sent")
        }
        let request = PostgresCancelRequest()
        let result = await withTaskCancellationHandler {
            await submit(request, body)
        } onCancel: {
            cancelKey.cancel(request)
        }
        if case .failure(let error) = result, error.code == .timeout, Task.isCancelled {
            throw PostgresError(code: .cancelled, sqlState: error.sqlState, message: "statement cancelled: \(error.message)")
        }
        return try result.get()
    }

    /// Like `run` but never cancels the statement: for cleanup (ROLLBACK) that must finish.
    func runToCompletion<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        try await submit(nil, body).get()
    }

    private func submit<T: Sendable>(
        _ request: PostgresCancelRequest?,
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async -> Result<T, PostgresError> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, PostgresError>, Never>) in
            let job: Job = { session in
                session.cancelRequest = request
                defer { session.cancelRequest = nil }
                continuation.resume(returning: Result { () throws(PostgresError) -> T in try body(session) })
            }
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted {
                wakeup.signal()
            } else {
                continuation.resume(returning: .failure(.clientClosed))
            }
        }
    }

    /// Lets queued jobs finish, then closes the session and ends the thread.
    func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { wakeup.signal() }
    }

    private func runLoop(_ configuration: PostgresConfiguration) {
        let session = PostgresSession(configuration: configuration, cancelKey: cancelKey)
        while true {
            wakeup.wait()
            let job: Job? = state.withLock { state in state.jobs.isEmpty ? nil : state.jobs.removeFirst() }
            // A wake-up without a job can only be stop()'s: every job signals exactly once.
            guard let job else { break }
            job(session)
        }
        session.close()
    }
}
