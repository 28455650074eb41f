/// Something that receives a room's events on this node: one WebSocket session. `deliver` is called
/// from the hub's fan-out and must not block (queue and return).
public protocol RealtimeSink: AnyObject, Sendable {
    /// Unique per hub (from `RealtimeHub.makeSinkID()`), the key of its subscriptions.
    var sinkID: Int { get }
    func deliver(_ event: RealtimeEvent)
}
