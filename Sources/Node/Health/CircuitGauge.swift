import Coordination
import Synchronization

/// The circuits last read from Redis, for `/metrics` (whose collection cannot wait on Redis): a
/// duty refreshes it every 2 s.
final class CircuitGauge: Sendable {
    private let states = Mutex<[String: CircuitState]>([:])

    func update(_ circuits: [String: CircuitState]) { states.withLock { $0 = circuits } }
    var current: [String: CircuitState] { states.withLock { $0 } }

    /// 0 closed, 1 half-open, 2 open: a gauge that alerts can compare.
    static func value(_ state: CircuitState) -> Double {
        switch state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
    }
}
