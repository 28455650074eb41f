import Synchronization

/// State shared by the acceptor and every connection of one server: configuration, responder,
/// the open-connection count (for the cap and for draining) and each loop's connection registry.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let loops: [EventLoop]
    let registries: [LoopConnections]
    let openConnections = Atomic<Int>(0)
    /// Connections upgraded to WebSocket and not yet closed (a subset of `openConnections`).
    let openWebSockets = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    /// Request-body bytes reserved by connections (see `maxInFlightBodyBytes`).
    let bodyBytesInFlight = Atomic<Int>(0)
    private let nextLoop = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, loops: [EventLoop]) {
        self.configuration = configuration
        self.responder = responder
        self.loops = loops
        self.registries = loops.map { _ in LoopConnections() }
    }

    /// Reserves a slot under the cap; false means the connection must be refused.
    func reserveConnection() -> Bool {
        let after = openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        if after > configuration.maxConnections {
            openConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() { openConnections.wrappingSubtract(1, ordering: .relaxed) }

    /// Reserves `bytes` of the process-wide body budget; false means the request must be refused.
    func reserveBody(_ bytes: Int) -> Bool {
        let after = bodyBytesInFlight.wrappingAdd(bytes, ordering: .relaxed).newValue
        if after > configuration.maxInFlightBodyBytes {
            bodyBytesInFlight.wrappingSubtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseBody(_ bytes: Int) {
        if bytes > 0 { bodyBytesInFlight.wrappingSubtract(bytes, ordering: .relaxed) }
    }

    func pickLoop() -> EventLoop {
        let index = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[abs(index % loops.count)]
    }
}

/// The connections living on one loop, so shutdown can reach them.
/// `@unchecked Sendable`: the dictionary is only read or written on its loop's thread.
final class LoopConnections: @unchecked Sendable {
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]

    func add(_ connection: HTTPConnection) { connections[ObjectIdentifier(connection)] = connection }
    func remove(_ connection: HTTPConnection) { connections[ObjectIdentifier(connection)] = nil }
    var count: Int { connections.count }

    func beginShutdown() { for connection in Array(connections.values) { connection.beginShutdown() } }
    func closeAll() { for connection in Array(connections.values) { connection.close() } }
}
