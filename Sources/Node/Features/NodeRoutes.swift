import Auth
import HTTP

/// The route groups a feature registers into. Each group's middleware fits its callers, so no
/// middleware ever decides by looking at the path:
/// - `operations` (`/`): no authentication (load balancers, Prometheus, the dashboard page);
/// - `api` (`/api/v1`): a bearer JWT with at least the `user` role; routes require more with
///   `context.require(_:)`;
/// - `browserSockets` (`/api/v1`): the same, but a WebSocket handshake may carry its token as
///   `?access_token=` (browsers cannot set headers on one); any other request still needs the header;
/// - `webhooks` (`/api/v1/external-services/webhook`): no JWT; providers sign their deliveries, and
///   the webhook feature adds its signature check to this group.
struct NodeRoutes {
    var operations: RouterGroup
    var api: RouterGroup
    var browserSockets: RouterGroup
    var webhooks: RouterGroup

    static let apiPrefix = "/api/v1"
    static let webhookPrefix = "/api/v1/external-services/webhook"

    init(verifier: JWTVerifier) {
        operations = RouterGroup("/")
        api = RouterGroup(Self.apiPrefix, middleware: [AuthMiddleware(verifier: verifier, minimum: .user)])
        browserSockets = RouterGroup(Self.apiPrefix, middleware: [
            AuthMiddleware(verifier: verifier, minimum: .user, acceptsQueryTokenOnHandshake: true),
        ])
        webhooks = RouterGroup(Self.webhookPrefix)
    }

    /// Adds every group to `router` (the groups' paths never overlap, so order does not matter).
    func register(in router: inout Router) {
        router.add(operations)
        router.add(api)
        router.add(browserSockets)
        router.add(webhooks)
    }
}
