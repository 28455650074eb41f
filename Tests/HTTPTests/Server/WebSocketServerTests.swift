import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// WebSocket over the real server: upgrade, echo, ping, close handshake, limits, keepalive, shutdown.
@Suite struct WebSocketServerTests {
    /// Remembers the outbound handle and the close code it was given.
    final class Recorder: WebSocketHandler {
        let outbound = Mutex<WebSocketOutbound?>(nil)
        let closeCode = Mutex<UInt16?>(nil)
        func onOpen(_ outbound: WebSocketOutbound) async { self.outbound.withLock { $0 = outbound } }
        func onText(_ text: String, outbound: WebSocketOutbound) async { outbound.send(text: "echo:" + text) }
        func onClose(code: WebSocketCloseCode?, reason: String) async { closeCode.withLock { $0 = code?.rawValue } }
    }

    static func waitFor(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<300 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    static func router(recorder: Recorder = Recorder()) -> Router {
        var router = testRouter()
        router.webSocket("/ws", isOriginAllowed: { $0 == nil || $0 == "https://ok.example" }) { _, _ in EchoWebSocketHandler() }
        router.webSocket("/rec") { _, _ in recorder }
        return router
    }

    @Test func upgradeAndEchoTextAndBinary() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            let response = try await client.upgrade()
            #expect(response.status == 101)
            #expect(response.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            #expect(response.headers["upgrade"]?.lowercased() == "websocket")
            #expect(response.headers["x-request-id"] != nil)
            try await client.sendText("hello")
            let text = try #require(try await client.frame())
            #expect(text.opcode == .text && text.payload == Array("hello".utf8))
            try await client.send(WebSocketFrameEncoder.binary([1, 2, 3], maskingKey: TestClient.mask))
            let binary = try #require(try await client.frame())
            #expect(binary.opcode == .binary && binary.payload == [1, 2, 3])
            try await client.send(try WebSocketFrameEncoder.ping([9], maskingKey: TestClient.mask))
            let pong = try #require(try await client.frame())
            #expect(pong.opcode == .pong && pong.payload == [9])
        }
    }

    @Test func clientCloseIsEchoedAndTCPClosed() async throws {
        let recorder = Recorder()
        try await withTestServer(router: Self.router(recorder: recorder)) { server, port in
            let client = try await TestClient.open(port)
            #expect(try await client.upgrade("/rec").status == 101)
            // Counted on the loop right after the 101 is queued: poll rather than race it.
            #expect(await Self.waitFor { server.openWebSockets == 1 })
            try await client.send(try WebSocketFrameEncoder.close(code: .normalClosure, maskingKey: TestClient.mask))
            #expect(TestClient.closeCode(try await client.frame()) == 1000)
            #expect(try await client.closedByPeer())
            try await Task.sleep(for: .milliseconds(50))
            #expect(recorder.closeCode.withLock { $0 } == 1000)
            #expect(await Self.waitFor { server.openWebSockets == 0 })
        }
    }

    @Test func violationsCloseWithMappedCodes() async throws {
        try await withTestServer(router: Self.router(), configure: { $0.webSocket.maxMessageBytes = 16 }) { _, port in
            let big = try await TestClient.open(port)
            _ = try await big.upgrade()
            try await big.sendText(String(repeating: "x", count: 40))
            #expect(TestClient.closeCode(try await big.frame()) == 1009)
            #expect(try await big.closedByPeer())

            let unmasked = try await TestClient.open(port)
            _ = try await unmasked.upgrade()
            try await unmasked.send(WebSocketFrameEncoder.text("no mask"))
            #expect(TestClient.closeCode(try await unmasked.frame()) == 1002)
            #expect(try await unmasked.closedByPeer())
        }
    }

    @Test func messagesBeforeAProtocolErrorAreAnsweredFirst() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            _ = try await client.upgrade()
            var reserved = WebSocketFrameEncoder.text("bad", maskingKey: TestClient.mask)
            reserved[0] |= 0x20  // RSV2 without an extension
            try await client.send(WebSocketFrameEncoder.text("first", maskingKey: TestClient.mask) + reserved)
            #expect(try await client.frame()?.payload == Array("first".utf8))
            #expect(TestClient.closeCode(try await client.frame()) == 1002)
        }
    }

    @Test func handshakeRefusalsAreHTTPErrors() async throws {
        try await withTestServer(router: Self.router()) { _, port in
            let client = try await TestClient.open(port)
            try await client.send("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")
            let noKey = try await client.response()
            #expect(noKey.status == 400)
            let origin = try await client.upgrade(extraHeaders: "Origin: https://evil.example\r\n")
            #expect(origin.status == 403)
            let version = try await client.upgrade(extraHeaders: "")
            #expect(version.status == 101)
        }
    }

    @Test func outboundWorksFromAnyTaskAndShutdownSends1001() async throws {
        let recorder = Recorder()
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 2
        let server = try HTTPServer(configuration: configuration, router: Self.router(recorder: recorder))
        try await server.listen()
        let client = try await TestClient.open(try #require(server.localPort))
        #expect(try await client.upgrade("/rec").status == 101)
        try await client.sendText("a")
        #expect(try await client.frame()?.payload == Array("echo:a".utf8))
        let outbound = try #require(recorder.outbound.withLock { $0 })
        let result = await Task.detached { outbound.send(text: "pushed") }.value
        #expect(result == .enqueued)
        #expect(try await client.frame()?.payload == Array("pushed".utf8))

        async let stopped: Void = server.shutdown(deadline: .seconds(3))
        #expect(TestClient.closeCode(try await client.frame()) == 1001)
        try await client.send(try WebSocketFrameEncoder.close(code: .goingAway, maskingKey: TestClient.mask))
        #expect(try await client.closedByPeer())
        await stopped
        #expect(outbound.send(text: "late") == .closed)
        #expect(recorder.closeCode.withLock { $0 } == 1001)
    }

    @Test func outboundQueueIsBoundedForASlowReader() async throws {
        let recorder = Recorder()
        try await withTestServer(router: Self.router(recorder: recorder), configure: { $0.webSocket.maxOutboundMessages = 4 }) { _, port in
            let client = try await TestClient.open(port)
            #expect(try await client.upgrade("/rec").status == 101)
            try await client.sendText("hi")
            #expect(try await client.frame()?.payload == Array("echo:hi".utf8))
            let outbound = try #require(recorder.outbound.withLock { $0 })
            // The client reads nothing while 300 x 64 KiB are pushed: far more than socket buffers hold.
            let results = await Task.detached {
                (0..<300).map { _ in outbound.send(binary: [UInt8](repeating: 7, count: 65_536)) }
            }.value
            #expect(results.contains(.queueFull))
            #expect(results.contains(.enqueued))
            #expect(outbound.queued.load(ordering: .relaxed) <= 4)
            // What was accepted is still delivered intact and in order.
            let accepted = results.filter { $0 == .enqueued }.count
            for _ in 0..<accepted {
                let frame = try #require(try await client.frame())
                #expect(frame.opcode == .binary && frame.payload.count == 65_536)
            }
        }
    }

    @Test func silentPeerIsPingedThenDropped() async throws {
        try await withTestServer(router: Self.router(), configure: {
            $0.webSocket.pingInterval = .milliseconds(100)
            $0.webSocket.deadPeerTimeout = .milliseconds(350)
        }) { _, port in
            let client = try await TestClient.open(port)
            _ = try await client.upgrade()
            let start = ContinuousClock.now
            let ping = try #require(try await client.frame())
            #expect(ping.opcode == .ping)
            var frames = 0
            while try await client.frame() != nil { frames += 1 }
            #expect(frames >= 1)
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }
}
