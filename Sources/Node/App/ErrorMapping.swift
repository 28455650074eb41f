import Coordination
import HTTP
import Storage

// The one place domain and storage errors become HTTP answers. A dependency that is down answers 503
// with Retry-After (never a hang, never a 500); anything else is our bug or bad data and stays a
// logged, generic 500 (details in the log only).

extension CoordinationError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch code {
        case .sharedStateUnavailable:
            var e = HTTPError.unavailable("Redis is unavailable; retry shortly.", retryAfterSeconds: 2)
            e.logDetail = description
            return e
        case .historyUnavailable:
            var e = HTTPError.unavailable("PostgreSQL is unavailable; retry shortly.", retryAfterSeconds: 2)
            e.logDetail = description
            return e
        case .budgetRebuilding:
            var e = HTTPError(status: 503, code: "budget_rebuilding",
                              message: "Budget counters are being rebuilt from the cost ledger; retry shortly.",
                              headers: ["Retry-After": "1"])
            e.logDetail = description
            return e
        case .invalidInput:
            return HTTPError.badRequest(detail, code: "invalid_field", field: field)
        default:
            var e = HTTPError.internalError
            e.logDetail = description
            return e
        }
    }
}

extension RedisError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        CoordinationError(redis: self, operation: "a Redis command").httpError
    }
}

extension PostgresError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        CoordinationError(postgres: self, operation: "a PostgreSQL statement").httpError
    }
}
