import Dispatch
import Glibc

/// The connection thread as a task executor: tasks that prefer it run between the thread's I/O
/// steps, so a command they send is encoded, written with the rest of the batch, answered and its
/// caller resumed on this one thread, with no hand-over to another (see `RedisClient.executor(for:)`).
extension RedisConnection: TaskExecutor {
    /// Queues a job for the top of the thread's loop. From another thread it wakes the thread if
    /// that sleeps (or waits lazily for replies); from the thread itself the loop will see it
    /// before sleeping. Once the thread has exited (shutdown), jobs run on the global pool instead,
    /// so tasks parked here finish (their commands are then refused with `.shutdown`).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let onThread = isOnConnectionThread
        let (accepted, wake) = shared.withLock { shared -> (Bool, Bool) in
            if shared.exited { return (false, false) }
            shared.jobs.append(job)
            queuedJobs.add(1, ordering: .relaxed)
            guard !onThread, !shared.wakePending, shared.sleeping || shared.lazyFlushAt != Int.max else {
                return (true, false)
            }
            shared.wakePending = true
            return (true, true)
        }
        if !accepted { runElsewhere([job]) }
        if wake { self.wake() }
    }

    /// True on this connection's own thread (a task running on the client's executor).
    var isOnConnectionThread: Bool {
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Runs the jobs queued so far, in chunks: after about half of them (at least 16) the loop
    /// writes the commands they sent, so Redis works on those while the rest run (two batches in
    /// flight, as callers from the pool get through `lazyFlushAt`). Jobs queued meanwhile wait for
    /// the next turn, so I/O is never starved by tasks that keep re-queueing themselves.
    func runJobs(_ worker: inout Worker) {
        if worker.jobHead == worker.jobs.count {
            worker.jobs.removeAll(keepingCapacity: true)
            worker.jobHead = 0
            // Without jobs (callers on the pool only) the loop takes no extra lock; a job this
            // relaxed read misses is seen under the lock before the thread sleeps.
            guard queuedJobs.load(ordering: .relaxed) > 0 else { return }
            shared.withLock { shared in
                if !shared.jobs.isEmpty { swap(&shared.jobs, &worker.jobs) }
            }
            queuedJobs.subtract(worker.jobs.count, ordering: .relaxed)
            guard !worker.jobs.isEmpty else { return }
            worker.jobChunk = max(16, (worker.jobs.count + 1) / 2)
        }
        let executor = asUnownedTaskExecutor()
        let end = min(worker.jobHead + worker.jobChunk, worker.jobs.count)
        while worker.jobHead < end {
            let job = worker.jobs[worker.jobHead]
            worker.jobHead += 1
            job.runSynchronously(on: executor)
        }
    }

    /// Jobs taken from the queue and not run yet (the rest of a chunked batch).
    func hasQueuedJobs(_ worker: Worker) -> Bool { worker.jobHead < worker.jobs.count }

    /// After the thread exited: jobs still run (on the global pool), keeping this executor's
    /// identity so the tasks' later jobs come back through `enqueue` and follow the same way.
    func runElsewhere(_ jobs: [UnownedJob]) {
        guard !jobs.isEmpty else { return }
        DispatchQueue.global().async {
            let executor = self.asUnownedTaskExecutor()
            for job in jobs { job.runSynchronously(on: executor) }
        }
    }
}
