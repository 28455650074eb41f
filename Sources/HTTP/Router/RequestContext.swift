import Auth

/// Per-request state that travels through middleware and into the handler (by value: a middleware
/// passes an updated copy to `next`, e.g. after authenticating).
public struct RequestContext: Sendable {
    /// From a sane `X-Request-Id` header, otherwise generated; echoed in the response and in error bodies.
    public var requestID: String
    /// Decoded values of the route's `:param` segments.
    public var pathParameters: [String: String]
    /// The matched route pattern (`/api/v1/items/:id`), nil when no route matched; safe as a metrics label.
    public var routePattern: String?
    /// The authenticated caller, set by the auth middleware of the route's group (nil: none ran).
    public var principal: Principal?
    /// When the router received the request.
    public let startedAt: ContinuousClock.Instant

    public init(requestID: String, pathParameters: [String: String] = [:], routePattern: String? = nil,
                startedAt: ContinuousClock.Instant = .now) {
        self.requestID = requestID
        self.pathParameters = pathParameters
        self.routePattern = routePattern
        self.startedAt = startedAt
    }

    /// The value of a path parameter; a missing one is a route/handler mismatch, reported as a 500.
    public func parameter(_ name: String) throws(HTTPError) -> String {
        guard let value = pathParameters[name] else {
            throw HTTPError(status: 500, code: "internal_error", message: "Internal server error.",
                            logDetail: "route \(routePattern ?? "?") has no parameter \(name)")
        }
        return value
    }

    /// Time since the router received the request.
    public var elapsed: Duration { ContinuousClock.now - startedAt }
}
