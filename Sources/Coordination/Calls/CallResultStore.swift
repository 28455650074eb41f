import Storage

/// The idempotency of protected calls: the first call with a key (per service, 24 h) claims it,
/// calls the provider and stores its result; a retry with the key gets that result without a
/// second upstream call; a retry while the first still runs is told so (not sent twice). A claim is
/// a lease: a node that dies mid-call frees the key when it runs out.
public struct CallResultStore: Sendable {
    static let claimScript = RedisScript(lua: PackageResources.CallClaim_lua)
    static let releaseScript = RedisScript(lua: PackageResources.CallRelease_lua)
    /// How long a result answers retries (the contract: 24 h).
    public static let resultLifetimeMs: Int64 = 86_400_000

    public let redis: RedisClient
    public let keys: KeySpace

    public init(redis: RedisClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.keys = keys
    }

    public enum Claim: Sendable, Hashable {
        /// Ours: call the provider, then `complete` or `release`.
        case claimed
        /// Another call with this key is running (its request id).
        case inFlight(requestID: String)
        /// Done before: the stored result (JSON bytes, as `complete` was given).
        case done(result: [UInt8])
    }

    public func claim(service: String, key: String, requestID: String, leaseMs: Int64) async throws(CoordinationError) -> Claim {
        let reply: RedisReply
        do {
            reply = try await redis.run(Self.claimScript, keys: [keys.service(service).callResult(key)],
                                        args: [requestID, String(leaseMs)])
        } catch {
            throw CoordinationError(redis: error, operation: "claim the call's idempotency key")
        }
        guard let values = reply.array, let kind = values.first?.integer else {
            throw CoordinationError(.corruptState, operation: "claim the call's idempotency key", detail: reply.redactedDescription)
        }
        switch kind {
        case 1: return .claimed
        case 3: return .done(result: values.count > 1 ? Array((values[1].string ?? "").utf8) : [])
        default: return .inFlight(requestID: values.count > 1 ? values[1].string ?? "" : "")
        }
    }

    /// Stores the call's result under the key for 24 h (replacing the claim).
    public func complete(service: String, key: String, result: [UInt8]) async throws(CoordinationError) {
        do {
            _ = try await redis.send("SET", arguments: [keys.service(service).callResult(key),
                                                        "done:" + String(decoding: result, as: UTF8.self),
                                                        "PX", String(Self.resultLifetimeMs)]).throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "store the call's result")
        }
    }

    /// Frees our claim (nothing worth remembering happened); a result or another's claim stays.
    public func release(service: String, key: String, requestID: String) async throws(CoordinationError) {
        do {
            _ = try await redis.run(Self.releaseScript, keys: [keys.service(service).callResult(key)], args: [requestID])
        } catch {
            throw CoordinationError(redis: error, operation: "release the call's idempotency key")
        }
    }
}
