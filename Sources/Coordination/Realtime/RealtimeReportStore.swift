import Foundation
import Storage

/// Where nodes leave their realtime figures (a JSON value per node with the membership TTL), read
/// back by `/realtime-metrics` on whichever node is asked.
public struct RealtimeReportStore: Sendable {
    public let redis: RedisClient
    public let keyPrefix: String
    public let ttlMs: Int64

    public init(redis: RedisClient, keyPrefix: String = "coord", ttlMs: Int64 = 10_000) {
        self.redis = redis
        self.keyPrefix = keyPrefix
        self.ttlMs = ttlMs
    }

    func key(_ nodeID: String) -> String { "{\(keyPrefix)}:realtime:\(nodeID)" }

    public func save(_ report: RealtimeNodeReport) async throws(RedisError) {
        let data: Data
        do { data = try JSONEncoder().encode(report) } catch {
            throw RedisError(.unexpectedReply, "cannot encode the realtime report: \(error)")
        }
        _ = try await redis.send("SET", key(report.nodeId), String(decoding: data, as: UTF8.self), "PX", String(ttlMs))
            .throwingServerError()
    }

    /// Reports of the given nodes; a node without a (fresh) report is left out.
    public func load(_ nodeIDs: [String]) async throws(RedisError) -> [RealtimeNodeReport] {
        guard !nodeIDs.isEmpty else { return [] }
        let values = try await redis.send("MGET", arguments: nodeIDs.map { key($0) }).throwingServerError().array ?? []
        let decoder = JSONDecoder()
        return values.compactMap { value in value.bytes.flatMap { try? decoder.decode(RealtimeNodeReport.self, from: Data($0)) } }
    }
}
