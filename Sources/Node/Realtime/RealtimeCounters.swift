import Synchronization

/// This node's realtime connection counters (the hub counts events; these count sessions).
final class RealtimeCounters: Sendable {
    /// Open realtime WebSocket sessions.
    let connections = Atomic<Int>(0)
    /// Events dropped by back-pressure (a connection's queue was full).
    let dropped = Atomic<Int>(0)
    /// Connections closed because even their critical messages could not be queued.
    let slowConsumersClosed = Atomic<Int>(0)
}
