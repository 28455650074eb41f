import Testing
import TestSupport
@testable import HTTP

/// Graceful shutdown: in-flight requests finish, idle keep-alive connections close, no new connections.
@Suite struct HTTPServerShutdownTests {
    @Test func inFlightRequestFinishesAndIdleConnectionCloses() async throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 2
        let started = HookFlag()
        var router = testRouter()
        router.get("/slow") { _, _ in
            started.set()
            try await Task.sleep(for: .milliseconds(400))
            return .text("slept 400")
        }
        let server = try HTTPServer(configuration: configuration, router: router)
        try server.start()
        let port = try #require(server.localPort)

        let idle = try await TestClient.open(port)
        try await idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await idle.response().status == 200)

        let busy = try await TestClient.open(port)
        try await busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        // Shut down only once the request is really in flight.
        while !started.value { try await Task.sleep(for: .milliseconds(5)) }

        let hookRan = HookFlag()
        server.onShutdown { hookRan.set() }
        let start = ContinuousClock.now
        async let stopped: Void = server.shutdown(deadline: .seconds(5))

        let response = try await busy.response()
        #expect(response.status == 200)
        #expect(response.text == "slept 400")
        #expect(response.headers["connection"] == "close")
        // A real client closes its end after `Connection: close`; the server lingers until then.
        busy.hangUp()
        #expect(try await idle.closedByPeer())
        await stopped
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(hookRan.value)
        #expect(server.openConnections == 0)
        await #expect(throws: (any Error).self) { _ = try await TestClient.open(port) }
    }

    @Test func deadlineForceClosesSlowRequests() async throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 1
        let server = try HTTPServer(configuration: configuration, router: testRouter())
        try await server.listen()
        let port = try #require(server.localPort)
        let busy = try await TestClient.open(port)
        try await busy.send("GET /sleep/5000 HTTP/1.1\r\nHost: t\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        await server.shutdown(deadline: .milliseconds(300))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(try await busy.closedByPeer())
    }
}

/// A flag set from a shutdown hook.
final class HookFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var value: Bool { flag.withLock { $0 } }
}

import Synchronization

extension HTTPServerShutdownTests {
    /// `listen()` (async) starts once; a second start of either kind is refused, and the bound port
    /// serves requests.
    @Test func asyncListenStartsOnceAndServes() async throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: testRouter())
        try await server.listen()
        await #expect(throws: HTTPServerError.self) { try await server.listen() }
        #expect(throws: HTTPServerError.self) { try server.start() }
        let client = try await TestClient.open(try #require(server.localPort))
        try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await client.response().status == 200)
        await server.shutdown(deadline: .seconds(1))
    }
}
