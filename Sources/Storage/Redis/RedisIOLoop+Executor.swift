import Dispatch
import Glibc

/// The loop thread as a task executor: tasks that prefer it run between the thread's I/O steps,
/// so a command they send is encoded, written with the rest of the batch, answered and its caller
/// resumed on this one thread, with no hand-over to another (see `RedisClient.executor(for:)`).
extension RedisIOLoop: TaskExecutor {
    /// Queues a job for the top of the thread's loop. From another thread it wakes the thread if
    /// that waits in poll(); from the thread itself the loop will see it before sleeping. Once the
    /// thread has exited (shutdown), jobs run on the global pool instead, so tasks parked here
    /// finish (their commands are then refused with `.shutdown`).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let onThread = isOnThread
        let (accepted, wake) = shared.withLock { shared -> (Bool, Bool) in
            if shared.exited { return (false, false) }
            shared.jobs.append(job)
            queuedJobs.add(1, ordering: .relaxed)
            guard !onThread, !shared.wakePending, shared.sleeping else { return (true, false) }
            shared.wakePending = true
            return (true, true)
        }
        if !accepted { runElsewhere([job]) }
        if wake { self.wake() }
    }

    /// Runs the jobs queued so far, in chunks: after about half of them (at least 16) the loop
    /// writes the commands they sent, so Redis works on those while the rest run (two batches in
    /// flight, as callers from the pool get through `lazyFlushAt`). Jobs queued meanwhile wait for
    /// the next turn, so I/O is never starved by tasks that keep re-queueing themselves.
    func runJobs(_ batch: inout JobBatch) {
        if batch.head == batch.jobs.count {
            batch.jobs.removeAll(keepingCapacity: true)
            batch.head = 0
            // Without jobs (callers on the pool only) the loop takes no extra lock; a job this
            // relaxed read misses is seen under the lock before the thread sleeps.
            guard queuedJobs.load(ordering: .relaxed) > 0 else { return }
            shared.withLock { shared in
                if !shared.jobs.isEmpty { swap(&shared.jobs, &batch.jobs) }
            }
            queuedJobs.subtract(batch.jobs.count, ordering: .relaxed)
            guard !batch.jobs.isEmpty else { return }
            batch.chunk = max(16, (batch.jobs.count + 1) / 2)
        }
        let executor = asUnownedTaskExecutor()
        let end = min(batch.head + batch.chunk, batch.jobs.count)
        while batch.head < end {
            let job = batch.jobs[batch.head]
            batch.head += 1
            job.runSynchronously(on: executor)
        }
    }

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
