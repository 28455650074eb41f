/// Lets async handlers run on the loop that owns their connection (`Task(executorPreference: loop)`):
/// a handler that does not suspend elsewhere completes without any thread hop, and its response is
/// written from the same thread.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
