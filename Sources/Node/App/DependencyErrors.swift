import HTTP
import Storage

// A dependency that is down answers 503 with Retry-After (never a hang, never a 500); other storage
// failures are our bug or bad data and stay a logged, generic 500.

extension RedisError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch code {
        case .connectionFailed, .connectionLost, .timeout, .authenticationFailed, .shutdown:
            var e = HTTPError.unavailable("Redis is unavailable; retry shortly.", retryAfterSeconds: 2)
            e.logDetail = description
            return e
        default:
            var e = HTTPError.internalError
            e.logDetail = description
            return e
        }
    }
}

extension PostgresError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        if isUnavailable {
            var e = HTTPError.unavailable("PostgreSQL is unavailable; retry shortly.", retryAfterSeconds: 2)
            e.logDetail = logDescription
            return e
        }
        var e = HTTPError.internalError
        e.logDetail = logDescription
        return e
    }
}
