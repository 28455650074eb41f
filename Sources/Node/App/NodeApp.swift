import Auth
import Coordination
import Foundation
import HTTP
import Storage
import Synchronization

/// One running node: its clients, its HTTP server and its background duties (heartbeat, migrations).
/// Built from a validated configuration; `run()` serves until SIGTERM/SIGINT, then shuts down gracefully.
final class NodeApp: Sendable {
    let configuration: NodeConfiguration
    let logger: NodeLogger
    let metrics: MetricsRegistry
    let redis: RedisClient
    let postgres: PostgresClient
    let membership: ClusterMembership
    let readiness: Readiness
    let verifier: JWTVerifier
    let startedAt: Date
    let realtimeHub: RealtimeHub
    let realtimeRooms = RealtimeRoomCatalog.standard
    let realtimeCounters = RealtimeCounters()
    let realtimeReports: RealtimeReportStore
    /// The realtime report duty's last measured delivery rate (read by /realtime-metrics).
    let realtimeRate = Mutex(RealtimeRate())
    /// The running server, once started (the router is built before it exists).
    private let server = Mutex<HTTPServer?>(nil)

    init(configuration: NodeConfiguration, logger: NodeLogger) throws(ConfigurationError) {
        self.configuration = configuration
        self.logger = logger
        startedAt = Date()
        metrics = MetricsRegistry()
        do {
            var redisConfiguration = try RedisConfiguration(url: configuration.redisURL)
            redisConfiguration.commandTimeout = .seconds(2)
            redis = try RedisClient(configuration: redisConfiguration)
        } catch {
            throw ConfigurationError(variable: "COORD_REDIS_URL", problem: error.message)
        }
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
        membership = ClusterMembership(redis: redis)
        do {
            realtimeHub = try RealtimeHub(redis: redis)
        } catch {
            throw ConfigurationError(variable: "COORD_REDIS_URL", problem: error.message)
        }
        realtimeReports = RealtimeReportStore(redis: redis, ttlMs: membership.ttlMs)
        readiness = Readiness(nodeID: configuration.nodeID, redis: redis, postgres: postgres)
        NodeMetrics.describe(in: metrics)
    }

    /// Open connections and, among them, WebSockets (zero before the server starts).
    func serverConnections() -> (all: Int, webSockets: Int) {
        server.withLock { ($0?.openConnections ?? 0, $0?.openWebSockets ?? 0) }
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
            try await server.listen()
            self.server.withLock { $0 = server }
        } catch {
            logger.error("cannot start the HTTP server", ["error": .string(String(describing: error)),
                                                           "port": .int(configuration.httpPort)])
            return 1
        }
        logger.info("listening", ["port": .int(server.localPort ?? configuration.httpPort), "host": .string(configuration.httpHost)])
        let duties = [
            Task { await migrateUntilDone() },
            Task { await heartbeatForever() },
            Task { await reportRealtimeForever() },
        ]
        let fanOut = Task { await realtimeHub.run() }
        await termination.wait()
        // Report not-ready first so the load balancer stops sending new work, then close.
        readiness.draining.store(true, ordering: .releasing)
        if configuration.drainSeconds > 0 {
            logger.info("draining", ["seconds": .int(configuration.drainSeconds)])
            try? await Task.sleep(for: .seconds(configuration.drainSeconds))
        }
        logger.info("shutting down")
        await server.shutdown(deadline: .seconds(configuration.shutdownGraceSeconds))
        for duty in duties { duty.cancel() }
        for duty in duties { await duty.value }
        _ = try? await realtimeHub.publish(room: "api_status_updates", event: "node.left", priority: .medium,
                                           data: #"{"nodeId":"# + JSONText.quoted(configuration.nodeID) + "}")
        do { try await membership.leave(nodeID: configuration.nodeID) } catch {
            logger.warning("could not leave the cluster view; it expires by itself", ["error": .string(error.description)])
        }
        await realtimeHub.shutdown()
        await fanOut.value
        await redis.shutdown()
        postgres.shutdown()
        logger.info("stopped")
        return 0
    }
}

/// Delivered-event count at the previous report, to turn the running total into a rate.
struct RealtimeRate {
    var previous: (at: ContinuousClock.Instant, delivered: Int)?
    var lastRate: Double = 0
}
