import Foundation
import Logging
import Storage

/// Node membership through Redis: each node stamps its entry in the `{cluster}` members hash with
/// the Redis clock every third of the TTL; the live set is the entries seen within the TTL, read and
/// pruned by one script (one round trip per status request). One hash tag for all of it, so it runs
/// unchanged on Redis Cluster.
public struct ClusterMembership: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace
    /// How long a node counts as alive after its last heartbeat; heartbeats run every third of it.
    public let ttlMs: Int64

    public init(redis: RedisClient, keys: KeySpace = KeySpace(), ttlMs: Int64 = 10_000) {
        self.redis = redis
        self.keys = keys
        self.ttlMs = ttlMs
    }

    /// Publishes that `nodeID` is alive; returns the cluster time of the heartbeat (Unix ms).
    @discardableResult
    public func heartbeat(nodeID: String, startedAtMs: Int64) async throws(CoordinationError) -> Int64 {
        let reply: RedisReply
        do {
            reply = try await redis.run(HeartbeatScript.script, keys: [keys.cluster.members],
                                        args: [nodeID, String(startedAtMs), String(ttlMs)])
        } catch {
            throw CoordinationError(redis: error, operation: "heartbeat")
        }
        guard let now = reply.integer else {
            throw CoordinationError(.corruptState, operation: "heartbeat", detail: "heartbeat answered \(reply.redactedDescription)")
        }
        return now
    }

    /// Removes the node at once (graceful shutdown), instead of waiting for its TTL.
    public func leave(nodeID: String) async throws(CoordinationError) {
        do {
            _ = try await redis.send("HDEL", keys.cluster.members, nodeID).throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "leave the cluster")
        }
    }

    /// The live nodes, sorted by id (the script prunes the dead as it reads).
    public func liveNodes() async throws(CoordinationError) -> [ClusterNode] {
        let reply: RedisReply
        do {
            reply = try await redis.run(HeartbeatScript.liveNodes, keys: [keys.cluster.members], args: [String(ttlMs)])
        } catch {
            throw CoordinationError(redis: error, operation: "list live nodes")
        }
        guard let flat = reply.array, flat.count % 2 == 1 else {
            throw CoordinationError(.corruptState, operation: "list live nodes", detail: "answered \(reply.redactedDescription)")
        }
        var live: [ClusterNode] = []
        live.reserveCapacity(flat.count / 2)
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let id = flat[index].string, let record = flat[index + 1].string else { continue }
            let parts = record.split(separator: ":")
            guard parts.count == 2, let started = Int64(parts[0]), let seen = Int64(parts[1]) else { continue }
            live.append(ClusterNode(id: id, startedAtMs: started, lastSeenAtMs: seen))
        }
        return live.sorted { $0.id < $1.id }
    }
}
