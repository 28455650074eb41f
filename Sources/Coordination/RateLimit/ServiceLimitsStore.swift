import Storage

/// Rate limits changed at run time, for the whole cluster at once: PostgreSQL `service_limits` is the
/// durable copy (with an `audit_log` row per change, in the same statement), Redis
/// `<prefix>:{svc:<name>}:limits` the live one the rate-limit script reads in its own atomic step.
public struct ServiceLimitsStore: Sendable {
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let keys: KeySpace

    public init(redis: RedisClient, postgres: PostgresClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.postgres = postgres
        self.keys = keys
    }

    /// Who changes a limit, for the audit log.
    public struct Change: Sendable {
        public var service: String
        /// Nil fields keep the current value.
        public var burstPerSecond: Int?
        public var sustainedPerMinute: Int?
        public var mode: RateLimitMode?
        public var defaults: ServiceLimits
        public var actor: String
        public var actorRole: String
        public var nodeID: String
        public var requestID: String

        public init(service: String, burstPerSecond: Int?, sustainedPerMinute: Int?, mode: RateLimitMode?,
                    defaults: ServiceLimits, actor: String, actorRole: String, nodeID: String, requestID: String) {
            self.service = service
            self.burstPerSecond = burstPerSecond
            self.sustainedPerMinute = sustainedPerMinute
            self.mode = mode
            self.defaults = defaults
            self.actor = actor
            self.actorRole = actorRole
            self.nodeID = nodeID
            self.requestID = requestID
        }
    }

    /// Upsert and audit row in one statement (both or neither); the old values are read under the
    /// row's lock, so two admins changing one service at once are audited in the order they won.
    static let updateSQL = """
    WITH previous AS (
        SELECT burst_per_second, sustained_per_minute, mode FROM service_limits WHERE service = $1 FOR UPDATE
    ), saved AS (
        INSERT INTO service_limits (service, burst_per_second, sustained_per_minute, mode, updated_by, updated_at)
        VALUES ($1,
                COALESCE($2::int, (SELECT burst_per_second FROM previous), $9::int),
                COALESCE($3::int, (SELECT sustained_per_minute FROM previous), $10::int),
                COALESCE($4::text, (SELECT mode FROM previous), $11::text),
                $5, now())
        ON CONFLICT (service) DO UPDATE SET burst_per_second = EXCLUDED.burst_per_second,
            sustained_per_minute = EXCLUDED.sustained_per_minute, mode = EXCLUDED.mode,
            updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING burst_per_second, sustained_per_minute, mode
    ), audited AS (
        INSERT INTO audit_log (node_id, actor, actor_role, action, service, request_id, detail)
        SELECT $7, $5, $6, 'limits.update', $1, $8, jsonb_build_object(
            'old', COALESCE((SELECT jsonb_build_object('burstPerSecond', burst_per_second,
                                                       'sustainedPerMinute', sustained_per_minute, 'mode', mode)
                             FROM previous),
                            jsonb_build_object('burstPerSecond', $9::int, 'sustainedPerMinute', $10::int, 'mode', $11::text)),
            'new', jsonb_build_object('burstPerSecond', saved.burst_per_second,
                                      'sustainedPerMinute', saved.sustained_per_minute, 'mode', saved.mode))
        FROM saved
        RETURNING id
    )
    SELECT saved.burst_per_second::bigint, saved.sustained_per_minute::bigint, saved.mode,
           COALESCE((SELECT burst_per_second FROM previous), $9::int)::bigint,
           COALESCE((SELECT sustained_per_minute FROM previous), $10::int)::bigint,
           COALESCE((SELECT mode FROM previous), $11::text),
           (SELECT id FROM audited)
    FROM saved
    """

    /// Applies `change` durably, then live. Returns the limits before and after. PostgreSQL down:
    /// nothing changed (`historyUnavailable`). Redis down after the commit: `sharedStateUnavailable`,
    /// and the durable values reach Redis at the next `restore` (every node runs it periodically).
    public func update(_ change: Change) async throws(CoordinationError) -> (old: ServiceLimits, new: ServiceLimits) {
        let rows: PostgresRows
        do {
            rows = try await postgres.query(Self.updateSQL, [
                .text(change.service), .optional(change.burstPerSecond, PostgresValue.int),
                .optional(change.sustainedPerMinute, PostgresValue.int), .optional(change.mode?.rawValue, PostgresValue.text),
                .text(change.actor), .text(change.actorRole), .text(change.nodeID), .text(change.requestID),
                .int(change.defaults.burstPerSecond), .int(change.defaults.sustainedPerMinute), .text(change.defaults.mode.rawValue),
            ])
        } catch {
            throw CoordinationError(postgres: error, operation: "save the limits of \(change.service)")
        }
        guard let row = rows.first else {
            throw CoordinationError(.corruptState, operation: "save the limits of \(change.service)", detail: "no row returned")
        }
        let old: ServiceLimits, new: ServiceLimits
        do {
            new = ServiceLimits(burstPerSecond: Int(try row.decode(at: 0, as: Int64.self)),
                                sustainedPerMinute: Int(try row.decode(at: 1, as: Int64.self)),
                                mode: RateLimitMode(rawValue: try row.decode(at: 2, as: String.self)) ?? .enforce)
            old = ServiceLimits(burstPerSecond: Int(try row.decode(at: 3, as: Int64.self)),
                                sustainedPerMinute: Int(try row.decode(at: 4, as: Int64.self)),
                                mode: RateLimitMode(rawValue: try row.decode(at: 5, as: String.self)) ?? .enforce)
        } catch {
            throw CoordinationError(postgres: error, operation: "read the saved limits of \(change.service)")
        }
        try await apply(change.service, new)
        return (old, new)
    }

    /// Writes `limits` to Redis, where the rate-limit script reads them (tier 1 burst, 2 sustained).
    func apply(_ service: String, _ limits: ServiceLimits) async throws(CoordinationError) {
        do {
            _ = try await redis.send("HSET", keys.service(service).limits, "limit:1", String(limits.burstPerSecond),
                                     "limit:2", String(limits.sustainedPerMinute), "mode", limits.mode.rawValue)
                .throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "apply the limits of \(service)")
        }
    }

    /// Copies every durable change into Redis (after Redis lost its data, or missed a write because it
    /// was down at the time): PostgreSQL is the source of truth. Returns how many services it set.
    @discardableResult
    public func restore() async throws(CoordinationError) -> Int {
        let rows: PostgresRows
        do {
            rows = try await postgres.query("SELECT service, burst_per_second::bigint, sustained_per_minute::bigint, mode FROM service_limits")
        } catch {
            throw CoordinationError(postgres: error, operation: "read the saved limits")
        }
        var count = 0
        for row in rows {
            do {
                let service = try row.decode(at: 0, as: String.self)
                let limits = ServiceLimits(burstPerSecond: Int(try row.decode(at: 1, as: Int64.self)),
                                           sustainedPerMinute: Int(try row.decode(at: 2, as: Int64.self)),
                                           mode: RateLimitMode(rawValue: try row.decode(at: 3, as: String.self)) ?? .enforce)
                try await apply(service, limits)
                count += 1
            } catch let error as CoordinationError {
                throw error
            } catch {
                throw CoordinationError(.corruptState, operation: "read the saved limits", detail: String(describing: error))
            }
        }
        return count
    }
}
