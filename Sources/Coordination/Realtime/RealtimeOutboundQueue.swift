/// A connection's messages waiting for its socket, in four priority lanes. Sending takes the highest
/// lane first (FIFO within a lane). When full, the oldest message of the lowest non-critical lane is
/// dropped (or the new one, if it is the lowest); `critical` is never dropped: past `hardLimit`
/// the connection is too slow to keep and the caller closes it.
public struct RealtimeOutboundQueue: Sendable {
    /// What `push` did.
    public enum PushResult: Sendable, Equatable {
        case queued
        /// Queued after dropping this older, lower-priority message.
        case queuedDropping(RealtimePriority)
        /// The new message was the lowest priority present: dropped instead.
        case dropped
        /// Critical messages alone exceed `hardLimit`: the consumer is hopeless.
        case overflow
    }

    public let capacity: Int
    public let hardLimit: Int
    private var lanes: [[String]] = Array(repeating: [], count: 4)
    /// Index of each lane's first live element (popping from the front without shifting).
    private var heads = [0, 0, 0, 0]
    public private(set) var count = 0

    public init(capacity: Int = 256, hardLimit: Int = 1_024) {
        self.capacity = max(1, capacity)
        self.hardLimit = max(self.capacity, hardLimit)
    }

    public var isEmpty: Bool { count == 0 }

    public mutating func push(_ message: String, priority: RealtimePriority) -> PushResult {
        if count < capacity {
            append(message, priority)
            return .queued
        }
        if priority == .critical {
            guard count < hardLimit else { return .overflow }
            if let lowest = lowestDroppableLane() {
                dropOldest(lane: lowest)
                append(message, priority)
                return .queuedDropping(RealtimePriority.allCases[lowest])
            }
            append(message, priority)
            return .queued
        }
        guard let lowest = lowestDroppableLane(), lowest <= priority.rank else { return .dropped }
        if lowest == priority.rank {
            // Same lane: keep the newer message (dashboards want the latest state).
            dropOldest(lane: lowest)
            append(message, priority)
            return .queuedDropping(priority)
        }
        dropOldest(lane: lowest)
        append(message, priority)
        return .queuedDropping(RealtimePriority.allCases[lowest])
    }

    /// The next message to send (highest lane first), without removing it.
    public var first: String? {
        for lane in stride(from: 3, through: 0, by: -1) where heads[lane] < lanes[lane].count {
            return lanes[lane][heads[lane]]
        }
        return nil
    }

    /// Removes what `first` returned.
    public mutating func removeFirst() {
        for lane in stride(from: 3, through: 0, by: -1) where heads[lane] < lanes[lane].count {
            advance(lane)
            return
        }
    }

    public mutating func removeAll() {
        lanes = Array(repeating: [], count: 4)
        heads = [0, 0, 0, 0]
        count = 0
    }

    private mutating func append(_ message: String, _ priority: RealtimePriority) {
        lanes[priority.rank].append(message)
        count += 1
    }

    private func lowestDroppableLane() -> Int? {
        (0..<3).first { heads[$0] < lanes[$0].count }
    }

    private mutating func dropOldest(lane: Int) { advance(lane) }

    private mutating func advance(_ lane: Int) {
        heads[lane] += 1
        count -= 1
        if heads[lane] == lanes[lane].count {
            lanes[lane].removeAll(keepingCapacity: true)
            heads[lane] = 0
        } else if heads[lane] >= 64 && heads[lane] * 2 >= lanes[lane].count {
            lanes[lane].removeFirst(heads[lane])
            heads[lane] = 0
        }
    }
}
