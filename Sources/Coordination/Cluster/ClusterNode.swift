import Foundation

/// One live node as the cluster sees it: published by its own heartbeat, read by every node for
/// GET /status. Times are the cluster clock (Redis `TIME`), in Unix milliseconds.
public struct ClusterNode: Sendable, Equatable, Codable {
    public var id: String
    public var startedAtMs: Int64
    public var lastSeenAtMs: Int64

    public init(id: String, startedAtMs: Int64, lastSeenAtMs: Int64) {
        self.id = id
        self.startedAtMs = startedAtMs
        self.lastSeenAtMs = lastSeenAtMs
    }
}
