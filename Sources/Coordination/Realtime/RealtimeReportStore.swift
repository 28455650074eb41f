import Foundation
import Storage

/// Where nodes leave their realtime figures (a JSON value per node with the membership TTL), read
/// back by `/realtime-metrics` on whichever node is asked.
public struct RealtimeReportStore: Sendable {
    public let redis: RedisClient
    public let keys: KeySpace
    public let ttlMs: Int64

    public init(redis: RedisClient, keys: KeySpace = KeySpace(), ttlMs: Int64 = 10_000) {
        self.redis = redis
        self.keys = keys
        self.ttlMs = ttlMs
    }

    public func save(_ report: RealtimeNodeReport) async throws(CoordinationError) {
        let data: Data
        do { data = try JSONEncoder().encode(report) } catch {
            throw CoordinationError(.corruptState, operation: "save the realtime report", detail: "cannot encode: \(error)")
        }
        do throws(RedisError) {
            _ = try await redis.send("SET", keys.node(report.nodeId).realtimeReport, String(decoding: data, as: UTF8.self),
                                     "PX", String(ttlMs)).throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "save the realtime report")
        }
    }

    /// Reports of the given nodes; a node without a (fresh) report is left out. One GET per node (each
    /// under its own `{node:<id>}` tag), pipelined: one round trip.
    public func load(_ nodeIDs: [String]) async throws(CoordinationError) -> [RealtimeNodeReport] {
        guard !nodeIDs.isEmpty else { return [] }
        let values: [RedisReply]
        do throws(RedisError) {
            values = try await redis.pipeline(nodeIDs.map { RedisCommand("GET", keys.node($0).realtimeReport) })
        } catch {
            throw CoordinationError(redis: error, operation: "load realtime reports")
        }
        let decoder = JSONDecoder()
        return values.compactMap { value in value.bytes.flatMap { try? decoder.decode(RealtimeNodeReport.self, from: Data($0)) } }
    }
}
