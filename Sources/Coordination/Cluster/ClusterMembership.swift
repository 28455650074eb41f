import Foundation
import Storage

/// Node membership through Redis: each node refreshes a key with a TTL; the live set is the ids whose
/// key still exists. Keys share the `{<prefix>}` hash tag so the script and MGET work on Redis Cluster.
public struct ClusterMembership: Sendable {
    public let redis: RedisClient
    public let keyPrefix: String
    /// How long a node counts as alive after its last heartbeat; heartbeats run every third of it.
    public let ttlMs: Int64

    public init(redis: RedisClient, keyPrefix: String = "coord", ttlMs: Int64 = 10_000) {
        self.redis = redis
        self.keyPrefix = keyPrefix
        self.ttlMs = ttlMs
    }

    var setKey: String { "{\(keyPrefix)}:nodes" }
    func nodeKey(_ id: String) -> String { "{\(keyPrefix)}:node:\(id)" }

    /// Publishes that `nodeID` is alive; returns the cluster time of the heartbeat (Unix ms).
    @discardableResult
    public func heartbeat(nodeID: String, startedAtMs: Int64) async throws(RedisError) -> Int64 {
        let reply = try await redis.run(HeartbeatScript.script, keys: [nodeKey(nodeID), setKey],
                                        args: [nodeID, String(startedAtMs), String(ttlMs)])
        guard let now = reply.integer else { throw RedisError(.unexpectedReply, "heartbeat answered \(reply)") }
        return now
    }

    /// Removes the node at once (graceful shutdown), instead of waiting for its TTL.
    public func leave(nodeID: String) async throws(RedisError) {
        _ = try await redis.transaction([RedisCommand("DEL", nodeKey(nodeID)), RedisCommand("SREM", setKey, nodeID)])
    }

    /// The live nodes, sorted by id; ids whose record expired are pruned from the set (by the
    /// script, atomically; a malformed record here).
    public func liveNodes() async throws(RedisError) -> [ClusterNode] {
        let reply = try await redis.run(LiveNodesScript.script, keys: [setKey], args: [nodeKey("")])
        let flat = reply.array ?? []
        var live: [ClusterNode] = []
        var dead: [String] = []
        var index = 0
        while index + 1 < flat.count {
            defer { index += 2 }
            guard let id = flat[index].string else { continue }
            guard let text = flat[index + 1].string else { dead.append(id); continue }
            let parts = text.split(separator: ":")
            guard parts.count == 2, let started = Int64(parts[0]), let seen = Int64(parts[1]) else { dead.append(id); continue }
            live.append(ClusterNode(id: id, startedAtMs: started, lastSeenAtMs: seen))
        }
        if !dead.isEmpty {
            _ = try? await redis.send("SREM", arguments: [setKey] + dead)
        }
        return live.sorted { $0.id < $1.id }
    }
}
