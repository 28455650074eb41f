/// An error a handler or middleware throws to answer with a specific status and JSON error body
/// (`{"error": {"code", "message", "field"}, "requestId"}` per API.md).
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    /// snake_case, stable, for clients to branch on.
    public var code: String
    /// Human text for clients: generic, never internal details.
    public var message: String
    /// The offending input field (`items[0].name`), if any.
    public var field: String?
    /// Extra response headers (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPHeaders
    /// Details for the server log only.
    public var logDetail: String?
    /// More fields of the error object for clients to branch on (`deniedBy`, `circuit`), rendered
    /// after `field`, sorted by name.
    public var details: [String: String] = [:]

    public init(status: Int, code: String, message: String, field: String? = nil, headers: HTTPHeaders = [:],
                logDetail: String? = nil, details: [String: String] = [:]) {
        self.details = details
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
        self.logDetail = logDetail
    }

    public var description: String { "HTTPError(\(status) \(code): \(message)\(field.map { " field=\($0)" } ?? ""))" }

    public static func badRequest(_ message: String, code: String = "invalid_request", field: String? = nil) -> HTTPError {
        HTTPError(status: 400, code: code, message: message, field: field)
    }
    public static func unauthorized(_ message: String = "Missing or invalid credentials.") -> HTTPError {
        HTTPError(status: 401, code: "unauthorized", message: message, headers: ["WWW-Authenticate": "Bearer"])
    }
    public static func forbidden(_ message: String = "Your role does not allow this.") -> HTTPError {
        HTTPError(status: 403, code: "forbidden", message: message)
    }
    public static func notFound(_ message: String = "No such resource.") -> HTTPError {
        HTTPError(status: 404, code: "not_found", message: message)
    }
    public static func methodNotAllowed(allowed: [String]) -> HTTPError {
        HTTPError(status: 405, code: "method_not_allowed", message: "This method is not allowed on this resource.",
                  headers: ["Allow": allowed.joined(separator: ", ")])
    }
    public static func conflict(_ message: String, code: String = "conflict") -> HTTPError {
        HTTPError(status: 409, code: code, message: message)
    }
    public static func tooManyRequests(retryAfterSeconds: Int, message: String = "Rate limit exceeded.") -> HTTPError {
        HTTPError(status: 429, code: "rate_limited", message: message, headers: ["Retry-After": String(retryAfterSeconds)])
    }
    public static func unavailable(_ message: String, retryAfterSeconds: Int = 5) -> HTTPError {
        HTTPError(status: 503, code: "unavailable", message: message, headers: ["Retry-After": String(retryAfterSeconds)])
    }
    public static let internalError = HTTPError(status: 500, code: "internal_error", message: "Internal server error.")
}
