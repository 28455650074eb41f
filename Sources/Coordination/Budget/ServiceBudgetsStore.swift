import Storage

/// Budgets changed at run time for the whole cluster (`PUT /:service/budget`): PostgreSQL
/// `service_budgets` is the durable copy (with an `audit_log` row per change, in the same
/// statement), Redis `<prefix>:{svc:<name>}:limits` (fields `daily`, `monthly`) the live one the
/// budget scripts read in their own atomic step.
public struct ServiceBudgetsStore: Sendable {
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let keys: KeySpace

    public init(redis: RedisClient, postgres: PostgresClient, keys: KeySpace = KeySpace()) {
        self.redis = redis
        self.postgres = postgres
        self.keys = keys
    }

    /// A service's budget: micro-dollars per UTC month and per UTC day.
    public struct Budget: Sendable, Hashable {
        public var monthlyBudgetMicros: Int64
        public var dailyLimitMicros: Int64
        public init(monthlyBudgetMicros: Int64, dailyLimitMicros: Int64) {
            self.monthlyBudgetMicros = monthlyBudgetMicros
            self.dailyLimitMicros = dailyLimitMicros
        }
    }

    /// A change and who makes it, for the audit log. Nil fields keep the current value.
    public struct Change: Sendable {
        public var service: String
        public var monthlyBudgetMicros: Int64?
        public var dailyLimitMicros: Int64?
        public var defaults: Budget
        public var actor: String
        public var actorRole: String
        public var nodeID: String
        public var requestID: String

        public init(service: String, monthlyBudgetMicros: Int64?, dailyLimitMicros: Int64?, defaults: Budget,
                    actor: String, actorRole: String, nodeID: String, requestID: String) {
            self.service = service
            self.monthlyBudgetMicros = monthlyBudgetMicros
            self.dailyLimitMicros = dailyLimitMicros
            self.defaults = defaults
            self.actor = actor
            self.actorRole = actorRole
            self.nodeID = nodeID
            self.requestID = requestID
        }
    }

    /// Upsert and audit row in one statement; old values read under the row's lock.
    static let updateSQL = """
    WITH previous AS (
        SELECT monthly_budget_micros, daily_limit_micros FROM service_budgets WHERE service = $1 FOR UPDATE
    ), saved AS (
        INSERT INTO service_budgets (service, monthly_budget_micros, daily_limit_micros, updated_by, updated_at)
        VALUES ($1,
                COALESCE($2::bigint, (SELECT monthly_budget_micros FROM previous), $8::bigint),
                COALESCE($3::bigint, (SELECT daily_limit_micros FROM previous), $9::bigint),
                $4, now())
        ON CONFLICT (service) DO UPDATE SET monthly_budget_micros = EXCLUDED.monthly_budget_micros,
            daily_limit_micros = EXCLUDED.daily_limit_micros, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING monthly_budget_micros, daily_limit_micros
    ), audited AS (
        INSERT INTO audit_log (node_id, actor, actor_role, action, service, request_id, detail)
        SELECT $6, $4, $5, 'budget.update', $1, $7, jsonb_build_object(
            'old', COALESCE((SELECT jsonb_build_object('monthlyBudgetMicros', monthly_budget_micros,
                                                       'dailyLimitMicros', daily_limit_micros) FROM previous),
                            jsonb_build_object('monthlyBudgetMicros', $8::bigint, 'dailyLimitMicros', $9::bigint)),
            'new', jsonb_build_object('monthlyBudgetMicros', saved.monthly_budget_micros,
                                      'dailyLimitMicros', saved.daily_limit_micros))
        FROM saved
        RETURNING id
    )
    SELECT saved.monthly_budget_micros, saved.daily_limit_micros,
           COALESCE((SELECT monthly_budget_micros FROM previous), $8::bigint),
           COALESCE((SELECT daily_limit_micros FROM previous), $9::bigint),
           (SELECT id FROM audited)
    FROM saved
    """

    /// Applies `change` durably, then live; returns the budget before and after. PostgreSQL down:
    /// nothing changed. Redis down after the commit: `sharedStateUnavailable`, and the durable value
    /// reaches Redis at the next `restore`.
    public func update(_ change: Change) async throws(CoordinationError) -> (old: Budget, new: Budget) {
        let rows: PostgresRows
        do {
            rows = try await postgres.query(Self.updateSQL, [
                .text(change.service), .optional(change.monthlyBudgetMicros, PostgresValue.int64),
                .optional(change.dailyLimitMicros, PostgresValue.int64), .text(change.actor), .text(change.actorRole),
                .text(change.nodeID), .text(change.requestID),
                .int64(change.defaults.monthlyBudgetMicros), .int64(change.defaults.dailyLimitMicros),
            ])
        } catch {
            throw CoordinationError(postgres: error, operation: "save the budget of \(change.service)")
        }
        let old: Budget, new: Budget
        do {
            guard let row = rows.first else {
                throw CoordinationError(.corruptState, operation: "save the budget of \(change.service)", detail: "no row returned")
            }
            new = Budget(monthlyBudgetMicros: try row.decode(at: 0, as: Int64.self), dailyLimitMicros: try row.decode(at: 1, as: Int64.self))
            old = Budget(monthlyBudgetMicros: try row.decode(at: 2, as: Int64.self), dailyLimitMicros: try row.decode(at: 3, as: Int64.self))
        } catch let error as CoordinationError {
            throw error
        } catch {
            throw CoordinationError(.corruptState, operation: "read the saved budget of \(change.service)", detail: String(describing: error))
        }
        try await apply(change.service, new)
        return (old, new)
    }

    func apply(_ service: String, _ budget: Budget) async throws(CoordinationError) {
        do {
            _ = try await redis.send("HSET", keys.service(service).limits, "daily", String(budget.dailyLimitMicros),
                                     "monthly", String(budget.monthlyBudgetMicros)).throwingServerError()
        } catch {
            throw CoordinationError(redis: error, operation: "apply the budget of \(service)")
        }
    }

    /// The budgets admins set, by service (services without a row use the catalog's).
    public func saved() async throws(CoordinationError) -> [String: Budget] {
        let rows: PostgresRows
        do {
            rows = try await postgres.query("SELECT service, monthly_budget_micros, daily_limit_micros FROM service_budgets")
        } catch {
            throw CoordinationError(postgres: error, operation: "read the saved budgets")
        }
        var budgets: [String: Budget] = [:]
        do {
            for row in rows {
                budgets[try row.decode(at: 0, as: String.self)] = Budget(monthlyBudgetMicros: try row.decode(at: 1, as: Int64.self),
                                                                         dailyLimitMicros: try row.decode(at: 2, as: Int64.self))
            }
        } catch {
            throw CoordinationError(.corruptState, operation: "read the saved budgets", detail: String(describing: error))
        }
        return budgets
    }

    /// Copies every durable budget into Redis (PostgreSQL is the source of truth).
    @discardableResult
    public func restore() async throws(CoordinationError) -> Int {
        let budgets = try await saved()
        for (service, budget) in budgets { try await apply(service, budget) }
        return budgets.count
    }
}
