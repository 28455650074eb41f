import Auth
import Coordination
import Foundation
import HTTP
import Logging
import Storage
import Synchronization

/// One running node: the shared clients and the list of features, served by one HTTP server.
/// Built from a validated configuration; `run()` serves until SIGTERM/SIGINT, then shuts down
/// gracefully. Everything a feature does is declared by the feature (`NodeFeature`): this type only
/// starts and stops them generically.
final class NodeApp: Sendable {
    let services: NodeServices
    let verifier: JWTVerifier
    let features: [any NodeFeature]
    let readiness: Readiness
    /// The running server, once started (the router is built before it exists).
    let server = ServerSlot()
    /// TLS for calls to the providers (the system CA store or `COORD_TLS_CA_FILE`), made at start so
    /// a bad CA file stops the node instead of failing every call.
    let tls: TLSClientContext

    var configuration: NodeConfiguration { services.configuration }
    var logger: Logger { services.logger }

    init(configuration: NodeConfiguration, logger: Logger) throws(ConfigurationError) {
        let redis: RedisClient
        do {
            var redisConfiguration = try RedisConfiguration(url: configuration.redisURL)
            redisConfiguration.commandTimeout = .seconds(2)
            redis = try RedisClient(configuration: redisConfiguration)
        } catch {
            throw ConfigurationError(variable: "COORD_REDIS_URL", problem: error.message)
        }
        let postgres: PostgresClient
        do {
            var postgresConfiguration = try PostgresConfiguration(url: configuration.databaseURL)
            // No statement may hold a pooled connection forever (the URL may still set its own).
            if postgresConfiguration.statementTimeout == nil { postgresConfiguration.statementTimeout = .seconds(30) }
            postgres = try PostgresClient(configuration: postgresConfiguration)
        } catch {
            throw ConfigurationError(variable: "COORD_DATABASE_URL", problem: error.message)
        }
        do {
            verifier = JWTVerifier(keys: [try JWTVerificationKey.hs256(secret: configuration.jwtSecret)] + configuration.jwtPublicKeys)
        } catch {
            throw ConfigurationError(variable: "COORD_JWT_SECRET", problem: error.message)
        }
        do {
            tls = try TLSClientContext(caFile: configuration.tlsCAFile)
        } catch {
            throw ConfigurationError(variable: "COORD_TLS_CA_FILE", problem: error.message)
        }
        services = NodeServices(configuration: configuration, logger: logger, metrics: MetricsRegistry(), redis: redis,
                                postgres: postgres, keys: KeySpace(prefix: configuration.keyPrefix), startedAt: Date())
        let server = self.server
        (features, readiness) = try Self.makeFeatures(services, serverConnections: {
            server.value.withLock { ($0?.openConnections ?? 0, $0?.openWebSockets ?? 0) }
        })
        NodeMetrics.describe(in: services.metrics)
        DutyRunner.describe(in: services.metrics)
        services.metrics.describe(NodeServices.backgroundFailures, .counter,
                                  help: "Failures of background work inside the domain, by component and reason.")
        for feature in features { feature.describeMetrics(in: services.metrics) }
    }

    /// The checks of the shared clients: every feature needs them.
    static func sharedChecks(_ services: NodeServices) -> [ReadinessCheck] {
        let redis = services.redis, postgres = services.postgres
        return [
            ReadinessCheck("redis") {
                do { try await redis.ping(); return nil } catch { return "unreachable" }
            },
            ReadinessCheck("postgres") {
                do { try await postgres.ping(); return nil } catch { return "unreachable" }
            },
        ]
    }

    /// Serves until a signal arrives; returns the process exit status.
    func run() async -> Int32 {
        let termination = TerminationSignal()
        var serverConfiguration = HTTPServerConfiguration(host: configuration.httpHost, port: configuration.httpPort)
        serverConfiguration.loopCount = configuration.eventLoopCount
        // Keep a reserve of descriptors for Redis, PostgreSQL, logs and accept backoff.
        let descriptors = FileDescriptorLimit.raiseToHardLimit()
        serverConfiguration.maxConnections = max(64, min(serverConfiguration.maxConnections, descriptors - 256))
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: serverConfiguration, router: makeRouter())
            attachRedis(to: server)
            services.upstream.start(loops: server.eventLoopGroup, configuration: upstreamConfiguration())
            try await server.listen()
            self.server.value.withLock { $0 = server }
        } catch {
            logger.error("cannot start the HTTP server", ["error": .string(String(describing: error)),
                                                           "port": .int(configuration.httpPort)])
            return 1
        }
        logger.info("listening", ["port": .int(server.localPort ?? configuration.httpPort), "host": .string(configuration.httpHost)])
        let duties = DutyRunner(duties: features.flatMap(\.duties), logger: logger, metrics: services.metrics)
        await termination.wait()
        // Report not-ready first so the load balancer stops sending new work, then close.
        readiness.draining.store(true, ordering: .releasing)
        if configuration.drainSeconds > 0 {
            logger.info("draining", ["seconds": .int(configuration.drainSeconds)])
            try? await Task.sleep(for: .seconds(configuration.drainSeconds))   // cancellation cannot happen here
        }
        logger.info("shutting down")
        await server.shutdown(deadline: .seconds(configuration.shutdownGraceSeconds))
        await duties.stop()
        for feature in features.reversed() { await feature.stop() }
        await services.upstream.shutdown()
        await services.redis.shutdown()
        services.postgres.shutdown()
        logger.info("stopped")
        return 0
    }

    /// The providers' client: a connection cap per origin, the whole call's timeout, TLS.
    func upstreamConfiguration() -> HTTPClientConfiguration {
        var upstream = HTTPClientConfiguration()
        upstream.maxConnectionsPerOrigin = configuration.upstreamMaxConnections
        upstream.requestTimeout = .milliseconds(configuration.upstreamTimeoutMs)
        upstream.tls = tls
        return upstream
    }

    /// The node's routes and middleware, outermost first: request id, access log, metrics, node id,
    /// CORS; then each group's own (authentication). Errors thrown inside become responses that the
    /// outer layers decorate. Every middleware is synchronous-capable, so sync routes (`/healthz`) are
    /// answered on the loop.
    func makeRouter() -> Router {
        var router = Router()
        router.use(RequestIDMiddleware())
        if configuration.accessLog { router.use(AccessLogMiddleware()) }
        let requestMetrics = HTTPRequestMetrics(registry: services.metrics)
        router.use(MetricsMiddleware { observation in requestMetrics.record(observation) })
        router.use(ResponseHeaderMiddleware(name: "X-Coordinator-Node", value: configuration.nodeID))
        if !configuration.corsOrigins.isEmpty {
            router.use(CORSMiddleware(allowedOrigins: configuration.corsOrigins))
        }
        var routes = NodeRoutes(verifier: verifier)
        for feature in features { feature.addRoutes(to: &routes) }
        routes.register(in: &router)
        return router
    }
}

/// The HTTP server once it runs, readable by the operations feature's metrics.
final class ServerSlot: Sendable {
    let value = Mutex<HTTPServer?>(nil)
}
