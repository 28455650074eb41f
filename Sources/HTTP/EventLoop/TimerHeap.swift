/// A min-heap of scheduled tasks ordered by deadline, confined to its loop's thread.
/// Cancelled entries are skipped when popped and swept when they outnumber live ones.
struct TimerHeap {
    struct Entry {
        let task: ScheduledTask
        let work: () -> Void
        var key: (UInt64, UInt64) { (task.deadline, task.sequence) }
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextDeadline: UInt64? { heap.first?.task.deadline }

    mutating func schedule(deadline: UInt64, _ work: @escaping () -> Void) -> ScheduledTask {
        sequence &+= 1
        let task = ScheduledTask(deadline: deadline, sequence: sequence)
        heap.append(Entry(task: task, work: work))
        siftUp(heap.count - 1)
        if heap.count > 1_024, heap.count % 1_024 == 0 { sweepIfMostlyCancelled() }
        return task
    }

    /// Removes and returns the work of every live task due at `now`.
    mutating func popDue(now: UInt64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = heap.first, first.task.deadline <= now {
            let entry = removeFirst()
            if !entry.task.isCancelled { due.append(entry.work) }
        }
        return due
    }

    private mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func sweepIfMostlyCancelled() {
        let live = heap.filter { !$0.task.isCancelled }
        guard live.count * 2 < heap.count else { return }
        heap = live
        for index in stride(from: heap.count / 2, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].key < heap[parent].key else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].key < heap[smallest].key { smallest = left }
            if right < heap.count, heap[right].key < heap[smallest].key { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
