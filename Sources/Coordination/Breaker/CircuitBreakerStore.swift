import Foundation
import Storage

/// Per-service circuit breakers whose state lives in Redis, so every node sees the same circuit:
/// it opens on the error rate over a sliding window with a minimum of calls, or on consecutive
/// failures; stays open for a wait that doubles on each re-opening; lets a bounded number of trial
/// calls through in half-open across the cluster (each with a lease, so a node that dies mid-trial
/// does not wedge it); closes on a trial's success. Each decision is one Lua script on Redis TIME.
public struct CircuitBreakerStore: Sendable {
    static let admitScript = RedisScript(lua: PackageResources.BreakerAdmit_lua)
    static let recordScript = RedisScript(lua: PackageResources.BreakerRecord_lua)
    /// The health window.
    public static let healthWindowMs: Int64 = 300_000

    public let redis: RedisClient
    public let keys: KeySpace

    public init(redis: RedisClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.keys = keys
    }

    public func admit(service: String, policy: BreakerPolicy) async throws(CoordinationError) -> BreakerAdmission {
        let k = keys.service(service)
        let trialID = UUID().uuidString.lowercased()
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.admitScript, keys: [k.breaker, k.breakerTrials],
                                        args: [String(policy.halfOpenTrials), String(policy.trialLeaseMs), trialID])
        } catch {
            throw CoordinationError(redis: error, operation: "circuit breaker \(service)")
        }
        guard let values = reply.array, values.count == 6, let allowed = values[0].integer,
              let state = values[1].string.flatMap(CircuitState.init(rawValue:)), let wait = values[2].integer,
              let trial = values[3].integer, let at = values[5].integer else {
            throw CoordinationError(.corruptState, operation: "circuit breaker \(service)",
                                    detail: "the admit script answered \(reply.redactedDescription)")
        }
        let transition = values[4].string.flatMap(CircuitState.init(rawValue:))
        return BreakerAdmission(allowed: allowed == 1, state: state, retryAfterMs: Int(wait), trial: trial == 1, trialID: trialID,
                                transition: transition, atMs: at)
    }

    /// Records a call's outcome; returns the transition it caused (announce it), if any.
    @discardableResult
    public func record(service: String, policy: BreakerPolicy, outcome: CallOutcome, admission: BreakerAdmission?)
        async throws(CoordinationError) -> CircuitState? {
        let k = keys.service(service)
        var ok = "1", error = ""
        if case .failure(_, let text) = outcome {
            ok = "0"
            error = String(text.prefix(300))
        }
        let trial = admission?.trial == true
        let args: [any RedisArgumentConvertible] = [
            ok, String(max(0, outcome.latencyMs)), error, trial ? "1" : "0", admission?.trialID ?? "",
            String(policy.windowMs), String(policy.minimumCalls), String(Int((policy.errorRateToOpen * 1000).rounded())),
            String(policy.consecutiveFailuresToOpen), String(policy.openBaseMs), String(policy.openMaxMs),
        ]
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.recordScript,
                                        keys: [k.breaker, k.breakerTrials, k.breakerWindow, k.healthSamples, k.healthRate], args: args)
        } catch {
            throw CoordinationError(redis: error, operation: "circuit breaker \(service)")
        }
        guard let values = reply.array, values.count == 3 else {
            throw CoordinationError(.corruptState, operation: "circuit breaker \(service)",
                                    detail: "the record script answered \(reply.redactedDescription)")
        }
        return values[0].string.flatMap(CircuitState.init(rawValue:))
    }

    /// The circuits of several services in one round trip (for `/status`).
    public func circuits(_ services: [String]) async throws(CoordinationError) -> [String: CircuitState] {
        guard !services.isEmpty else { return [:] }
        let replies: [RedisReply]
        do {
            replies = try await redis.pipeline(services.map { RedisCommand("HGET", keys.service($0).breaker, "state") })
        } catch {
            throw CoordinationError(redis: error, operation: "circuit breakers")
        }
        var out: [String: CircuitState] = [:]
        for (service, reply) in zip(services, replies) { out[service] = reply.string.flatMap(CircuitState.init(rawValue:)) ?? .closed }
        return out
    }

    public func health(service: String) async throws(CoordinationError) -> ServiceHealth {
        let k = keys.service(service)
        let replies: [RedisReply]
        do {
            replies = try await redis.pipeline([
                RedisCommand("TIME"),
                RedisCommand("HMGET", k.breaker, "state", "lastError", "lastErrorAt"),
                RedisCommand("LRANGE", k.healthSamples, "0", "-1"),
                RedisCommand("HGETALL", k.healthRate),
            ])
        } catch {
            throw CoordinationError(redis: error, operation: "service health \(service)")
        }
        guard replies.count == 4, let time = replies[0].array, time.count == 2,
              let seconds = time[0].string.flatMap(Int64.init), let micros = time[1].string.flatMap(Int64.init) else {
            throw CoordinationError(.corruptState, operation: "service health \(service)", detail: "TIME answered unexpectedly")
        }
        let now = seconds * 1000 + micros / 1000
        let fields = replies[1].array ?? []
        let circuit = fields.first?.string.flatMap(CircuitState.init(rawValue:)) ?? .closed
        var latencies: [Int] = []
        var failures = 0
        for sample in replies[2].array ?? [] {
            let parts = (sample.string ?? "").split(separator: ":")
            guard parts.count == 3, let at = Int64(parts[0]), let latency = Int(parts[1]), now - at <= Self.healthWindowMs else { continue }
            latencies.append(latency)
            if parts[2] == "0" { failures += 1 }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Int? {
            guard !latencies.isEmpty else { return nil }
            let rank = Int((p * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(rank, 0), latencies.count - 1)]
        }
        var perSecond = [Int](repeating: 0, count: 60)
        let rate = replies[3].array ?? []
        let second = now / 1000
        for index in stride(from: 0, to: rate.count - 1, by: 2) {
            guard let at = rate[index].string.flatMap(Int64.init), let count = rate[index + 1].string.flatMap(Int.init) else { continue }
            let age = second - at
            if age >= 1 && age <= 60 { perSecond[60 - Int(age)] += count }
        }
        return ServiceHealth(circuit: circuit, p50Ms: percentile(0.5), p95Ms: percentile(0.95), p99Ms: percentile(0.99),
                             errorRate: latencies.isEmpty ? 0 : Double(failures) / Double(latencies.count), calls: latencies.count,
                             lastError: fields.count > 1 ? fields[1].string : nil,
                             lastErrorAtMs: fields.count > 2 ? fields[2].string.flatMap(Int64.init) : nil,
                             checkedAtMs: now, callsPerSecond: perSecond)
    }
}
