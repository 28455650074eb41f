import Foundation
import Logging
import Storage

/// Node membership through Redis: each node refreshes its `{node:<id>}` heartbeat key with a TTL and
/// adds its id to the `{cluster}` member set; the live set is the ids whose heartbeat still exists.
/// Every command takes keys of one hash tag, so this works unchanged on Redis Cluster.
public struct ClusterMembership: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace
    /// How long a node counts as alive after its last heartbeat; heartbeats run every third of it.
    public let ttlMs: Int64
    /// Where a failed prune of stale ids is reported (reads still succeed without it).
    let pruneFailures: FailureLog?

    public init(redis: RedisClient, keys: KeySpace = KeySpace(), ttlMs: Int64 = 10_000, pruneFailures: FailureLog? = nil) {
        self.redis = redis
        self.keys = keys
        self.ttlMs = ttlMs
        self.pruneFailures = pruneFailures
    }

    /// Publishes that `nodeID` is alive; returns the cluster time of the heartbeat (Unix ms).
    @discardableResult
    public func heartbeat(nodeID: String, startedAtMs: Int64) async throws(CoordinationError) -> Int64 {
        let reply: RedisReply
        do throws(RedisError) {
            reply = try await redis.run(HeartbeatScript.script, keys: [keys.node(nodeID).heartbeat],
                                        args: [String(startedAtMs), String(ttlMs)])
            _ = try await redis.send("SADD", keys.cluster.nodes, nodeID).throwingServerError()
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
        do throws(RedisError) {
            _ = try await redis.pipeline([RedisCommand("DEL", keys.node(nodeID).heartbeat),
                                          RedisCommand("SREM", keys.cluster.nodes, nodeID)])
        } catch {
            throw CoordinationError(redis: error, operation: "leave the cluster")
        }
    }

    /// The live nodes, sorted by id; ids whose record expired are pruned from the set.
    public func liveNodes() async throws(CoordinationError) -> [ClusterNode] {
        let ids: [String]
        let values: [RedisReply]
        do throws(RedisError) {
            let members = try await redis.send("SMEMBERS", keys.cluster.nodes).throwingServerError()
            ids = (members.array ?? []).compactMap(\.string).sorted()
            guard !ids.isEmpty else { return [] }
            values = try await redis.pipeline(ids.map { RedisCommand("GET", keys.node($0).heartbeat) })
        } catch {
            throw CoordinationError(redis: error, operation: "list live nodes")
        }
        var live: [ClusterNode] = []
        var dead: [String] = []
        for (id, value) in zip(ids, values) {
            guard let text = value.string else { dead.append(id); continue }
            let parts = text.split(separator: ":")
            guard parts.count == 2, let started = Int64(parts[0]), let seen = Int64(parts[1]) else { dead.append(id); continue }
            live.append(ClusterNode(id: id, startedAtMs: started, lastSeenAtMs: seen))
        }
        if !dead.isEmpty { await prune(dead) }
        return live
    }

    /// Drops ids whose heartbeat expired. A failure only delays the cleanup (the next read retries),
    /// so it is reported, not thrown.
    private func prune(_ dead: [String]) async {
        do throws(RedisError) {
            _ = try await redis.send("SREM", arguments: [keys.cluster.nodes] + dead).throwingServerError()
            pruneFailures?.succeeded()
        } catch {
            pruneFailures?.failed(error.code.description, detail: error.description)
        }
    }
}
