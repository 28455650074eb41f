import Synchronization

/// Set once, read by every heartbeat: whether the node's arrival was announced.
final class AnnouncedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
