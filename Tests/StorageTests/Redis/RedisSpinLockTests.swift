import Testing
@testable import Storage

@Suite struct RedisSpinLockTests {
    /// Contended increments from more threads than cores: a lost update would show as a short count.
    @Test func serializesConcurrentUpdates() async {
        let lock = RedisSpinLock(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<20_000 { lock.withLock { $0 += 1 } }
                }
            }
        }
        #expect(lock.withLock { $0 } == 160_000)
    }

    @Test func returnsTheBodysResult() {
        let lock = RedisSpinLock([1, 2])
        let count = lock.withLock { values -> Int in
            values.append(3)
            return values.count
        }
        #expect(count == 3)
        #expect(lock.withLock { $0 } == [1, 2, 3])
    }
}
