import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// The client against the project's own server on a loopback port: round trips, keep-alive reuse,
/// the pool cap, timeouts, refused connects, retries and deadlines.
@Suite struct HTTPClientTests {
    /// Counters a test's routes share with the test body.
    final class Counters: Sendable {
        let calls = Atomic<Int>(0)
        let inFlight = Atomic<Int>(0)
        let maxInFlight = Atomic<Int>(0)
    }

    static func router(_ counters: Counters) -> Router {
        var router = Router()
        router.get("/hello") { _, _ in .text("hello") }
        router.post("/echo") { request, _ in HTTPResponse(status: 200, body: request.body) }
        // The peer address names the TCP connection: same address, same connection.
        router.get("/conn") { request, _ in .text(request.remoteAddress ?? "?") }
        router.get("/sleep/:ms") { request, context in
            let now = counters.inFlight.wrappingAdd(1, ordering: .relaxed).newValue
            var seen = counters.maxInFlight.load(ordering: .relaxed)
            while now > seen {
                let (exchanged, original) = counters.maxInFlight.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            try await Task.sleep(for: .milliseconds(Int(try context.parameter("ms")) ?? 0))
            counters.inFlight.wrappingSubtract(1, ordering: .relaxed)
            return .text(request.remoteAddress ?? "?")
        }
        router.get("/busy-once") { _, _ in
            if counters.calls.wrappingAdd(1, ordering: .relaxed).oldValue == 0 {
                return HTTPResponse(status: 503, headers: ["Retry-After": "1"], body: Array("busy".utf8))
            }
            return .text("ready")
        }
        router.post("/fail") { _, _ in
            counters.calls.wrappingAdd(1, ordering: .relaxed)
            return HTTPResponse(status: 500, body: Array("boom".utf8))
        }
        return router
    }

    /// A client on its own loops, shut down (with its loops) after `body`.
    static func withClient(_ configure: (inout HTTPClientConfiguration) -> Void = { _ in },
                           _ body: (HTTPClient) async throws -> Void) async throws {
        var configuration = HTTPClientConfiguration()
        configuration.retry.baseDelay = .milliseconds(20)
        configure(&configuration)
        let loops = try EventLoopGroup(loopCount: 2)
        let client = HTTPClient(loops: loops, configuration: configuration)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            await loops.shutdown()
            throw error
        }
        await client.shutdown()
        await loops.shutdown()
    }

    static func origin(_ port: Int) throws -> HTTPOrigin {
        try HTTPOrigin(url: try #require(URL(string: "http://127.0.0.1:\(port)")))
    }

    @Test func getAndPostRoundTrip() async throws {
        try await withTestServer(router: Self.router(Counters())) { _, port in
            try await Self.withClient { client in
                let origin = try Self.origin(port)
                let get = try await client.execute(HTTPClientRequest(method: "GET", target: "/hello"), to: origin)
                #expect(get.status == 200)
                #expect(String(decoding: get.body, as: UTF8.self) == "hello")
                #expect(get.header("CONTENT-TYPE")?.hasPrefix("text/plain") == true)
                #expect(get.attempts == 1)
                let payload = Array(String(repeating: "x", count: 200_000).utf8)
                let post = try await client.execute(HTTPClientRequest(method: "POST", target: "/echo", headers: [("Content-Type", "text/plain")],
                                                                      body: payload, idempotent: false), to: origin)
                #expect(post.status == 200)
                #expect(post.body == payload)
                let missing = try await client.execute(HTTPClientRequest(method: "GET", target: "/nope"), to: origin)
                #expect(missing.status == 404)
                #expect(missing.attempts == 1)
            }
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withTestServer(router: Self.router(Counters())) { _, port in
            try await Self.withClient { client in
                let origin = try Self.origin(port)
                var peers: Set<String> = []
                for _ in 0..<5 {
                    let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/conn"), to: origin)
                    peers.insert(String(decoding: response.body, as: UTF8.self))
                }
                #expect(peers.count == 1)
                // Connection: close from the caller: answered, then that connection is not reused.
                _ = try await client.execute(HTTPClientRequest(method: "GET", target: "/conn", headers: [("Connection", "close")]), to: origin)
                let after = try await client.execute(HTTPClientRequest(method: "GET", target: "/conn"), to: origin)
                #expect(!peers.contains(String(decoding: after.body, as: UTF8.self)))
            }
        }
    }

    @Test func idleConnectionsCloseAfterIdleTimeout() async throws {
        try await withTestServer(router: Self.router(Counters())) { server, port in
            try await Self.withClient({ $0.idleTimeout = .milliseconds(100) }) { client in
                let origin = try Self.origin(port)
                _ = try await client.execute(HTTPClientRequest(method: "GET", target: "/hello"), to: origin)
                #expect(client.openConnections(to: origin) == 1)
                try await Task.sleep(for: .milliseconds(300))
                #expect(client.openConnections(to: origin) == 0)
                #expect(server.openConnections == 0)
            }
        }
    }

    @Test func connectionTheServerClosedWhileIdleIsNotReused() async throws {
        try await withTestServer(router: Self.router(Counters()), configure: { $0.idleTimeout = .milliseconds(100) }) { _, port in
            try await Self.withClient { client in
                let origin = try Self.origin(port)
                let first = try await client.execute(HTTPClientRequest(method: "GET", target: "/conn"), to: origin)
                try await Task.sleep(for: .milliseconds(300))
                // The server's close reached the idle connection: it left the pool, so this request
                // opens a fresh one instead of failing on a dead socket.
                #expect(client.openConnections(to: origin) == 0)
                let second = try await client.execute(HTTPClientRequest(method: "POST", target: "/echo", body: Array("x".utf8), idempotent: false), to: origin)
                #expect(second.status == 200)
                #expect(second.attempts == 1)
                let third = try await client.execute(HTTPClientRequest(method: "GET", target: "/conn"), to: origin)
                #expect(third.body != first.body)
            }
        }
    }

    /// A stand-in for a TLS layer: a preamble on start (the server skips leading empty lines), not
    /// ready until the preamble was taken for writing, request bytes held until then.
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    final class PreambleLayer: ClientStreamLayer {
        let log: Log
        private var outbound: [UInt8] = []
        private var preambleTaken = false
        private var held: [UInt8] = []
        init(log: Log) { self.log = log }
        func start() throws(ClientLayerError) {
            log.append("start")
            outbound = Array("\r\n".utf8)
        }
        func received(_ bytes: [UInt8]) throws(ClientLayerError) -> [UInt8] {
            log.append("received")
            return bytes
        }
        func send(_ plaintext: [UInt8]) throws(ClientLayerError) {
            if preambleTaken { outbound += plaintext } else { held += plaintext }
        }
        func takeOutbound() -> [UInt8] {
            if !outbound.isEmpty && !preambleTaken {
                preambleTaken = true
                defer { outbound = held; held = [] }
                return outbound
            }
            defer { outbound = [] }
            return outbound
        }
        var isReady: Bool { preambleTaken }
    }

    final class PreambleProvider: ClientTLSProvider {
        let log = Log()
        let hosts = Log()
        func makeLayer(hostName: String) throws(ClientLayerError) -> any ClientStreamLayer {
            hosts.append(hostName)
            return PreambleLayer(log: log)
        }
    }

    @Test func httpsPumpsBytesThroughTheProvidersLayer() async throws {
        let provider = PreambleProvider()
        try await withTestServer(router: Self.router(Counters())) { _, port in
            try await Self.withClient({ $0.tls = provider }) { client in
                let origin = try HTTPOrigin(scheme: "https", host: "127.0.0.1", port: port)
                for _ in 0..<2 {
                    let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/hello"), to: origin)
                    #expect(String(decoding: response.body, as: UTF8.self) == "hello")
                }
                // One connection, one layer, started once, fed every read.
                #expect(provider.hosts.all == ["127.0.0.1"])
                #expect(provider.log.all.first == "start")
                #expect(provider.log.all.filter { $0 == "received" }.count >= 2)
            }
        }
    }

    @Test func tlsProviderErrorsBecomeTLSErrors() async throws {
        struct Refusing: ClientTLSProvider {
            func makeLayer(hostName: String) throws(ClientLayerError) -> any ClientStreamLayer {
                throw ClientLayerError("no certificate for \(hostName)")
            }
        }
        let (fd, port) = try SocketAddress.listen(host: "127.0.0.1", port: 0, backlog: 8)
        defer { Glibc.close(fd) }
        try await Self.withClient({ $0.tls = Refusing() }) { client in
            let origin = try HTTPOrigin(scheme: "https", host: "127.0.0.1", port: port)
            await #expect(throws: HTTPClientError.tls("no certificate for 127.0.0.1")) {
                try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: origin)
            }
        }
    }

    @Test func poolCapHoldsUnderConcurrency() async throws {
        let counters = Counters()
        try await withTestServer(router: Self.router(counters)) { _, port in
            try await Self.withClient({ $0.maxConnectionsPerOrigin = 4 }) { client in
                let origin = try Self.origin(port)
                let peers = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<50 {
                        group.addTask {
                            let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/sleep/10"), to: origin)
                            #expect(response.status == 200)
                            return String(decoding: response.body, as: UTF8.self)
                        }
                    }
                    var peers: Set<String> = []
                    for try await peer in group { peers.insert(peer) }
                    return peers
                }
                #expect(peers.count <= 4)
                #expect(counters.maxInFlight.load(ordering: .relaxed) <= 4)
                #expect(client.openConnections(to: origin) <= 4)
            }
        }
    }

    @Test func requestTimeoutAgainstSilentServer() async throws {
        // Listening but never accepting: the kernel completes the handshake, nobody ever answers.
        let (fd, port) = try SocketAddress.listen(host: "127.0.0.1", port: 0, backlog: 8)
        defer { Glibc.close(fd) }
        try await Self.withClient({ $0.requestTimeout = .milliseconds(200) }) { client in
            let started = ContinuousClock.now
            await #expect(throws: HTTPClientError.requestTimeout) {
                try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: try Self.origin(port))
            }
            #expect(ContinuousClock.now - started < .seconds(1))
        }
    }

    @Test func refusedConnectFailsFast() async throws {
        // A port that was just free: nothing listens there.
        let (fd, port) = try SocketAddress.listen(host: "127.0.0.1", port: 0, backlog: 1)
        Glibc.close(fd)
        try await Self.withClient { client in
            let origin = try Self.origin(port)
            let started = ContinuousClock.now
            do throws(HTTPClientError) {
                _ = try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: origin)
                Issue.record("a refused connect answered")
            } catch {
                guard case .connectFailed(let detail) = error else {
                    Issue.record("expected connectFailed, got \(error)")
                    return
                }
                #expect(detail.contains("refused"))
            }
            // Three tries with 20 ms base backoff.
            #expect(ContinuousClock.now - started < .milliseconds(500))
        }
    }

    @Test func serviceUnavailableWithRetryAfterIsRetriedOnce() async throws {
        try await withTestServer(router: Self.router(Counters())) { _, port in
            try await Self.withClient { client in
                let started = ContinuousClock.now
                let response = try await client.execute(HTTPClientRequest(method: "GET", target: "/busy-once"), to: try Self.origin(port))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "ready")
                #expect(response.attempts == 2)
                #expect(ContinuousClock.now - started >= .seconds(1))
            }
        }
    }

    @Test func nonIdempotentPostIsNotRetriedOn500() async throws {
        let counters = Counters()
        try await withTestServer(router: Self.router(counters)) { _, port in
            try await Self.withClient { client in
                let origin = try Self.origin(port)
                let post = try await client.execute(HTTPClientRequest(method: "POST", target: "/fail", body: Array("a".utf8), idempotent: false), to: origin)
                #expect(post.status == 500)
                #expect(post.attempts == 1)
                #expect(counters.calls.load(ordering: .relaxed) == 1)
                let retried = try await client.execute(HTTPClientRequest(method: "POST", target: "/fail", body: Array("a".utf8), idempotent: true), to: origin)
                #expect(retried.status == 500)
                #expect(retried.attempts == 3)
                #expect(counters.calls.load(ordering: .relaxed) == 4)
            }
        }
    }

    @Test func deadlineIsRespected() async throws {
        try await withTestServer(router: Self.router(Counters())) { _, port in
            try await Self.withClient { client in
                let started = ContinuousClock.now
                await #expect(throws: HTTPClientError.deadlineExceeded) {
                    try await client.execute(HTTPClientRequest(method: "GET", target: "/sleep/700"), to: try Self.origin(port),
                                             deadline: started + .milliseconds(300))
                }
                let elapsed = ContinuousClock.now - started
                #expect(elapsed >= .milliseconds(290) && elapsed < .milliseconds(800))
                await #expect(throws: HTTPClientError.deadlineExceeded) {
                    try await client.execute(HTTPClientRequest(method: "GET", target: "/hello"), to: try Self.origin(port),
                                             deadline: ContinuousClock.now - .seconds(1))
                }
            }
        }
    }

    @Test func httpsWithoutProviderAndBadURLs() async throws {
        try await Self.withClient { client in
            let origin = try HTTPOrigin(url: try #require(URL(string: "https://example.invalid/x")))
            #expect(origin.port == 443)
            await #expect(throws: HTTPClientError.tlsUnavailable) {
                try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: origin)
            }
            #expect(throws: HTTPClientError.self) { try HTTPOrigin(url: try #require(URL(string: "ftp://a/b"))) }
            await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(method: "GET", target: "/", headers: [("X", "a\r\nInjected: 1")]), to: try Self.origin(80))
            }
            await client.shutdown()
            await #expect(throws: HTTPClientError.shutdown) {
                try await client.execute(HTTPClientRequest(method: "GET", target: "/"), to: try Self.origin(80))
            }
        }
    }
}
