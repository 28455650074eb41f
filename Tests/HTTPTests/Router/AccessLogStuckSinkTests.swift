import Dispatch
import Logging
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// A stalled access-log reader (stderr piped to nobody) must not stall request handling.
@Suite struct AccessLogStuckSinkTests {
    @Test func requestsAreAnsweredWhileTheAccessLogSinkIsStuck() async throws {
        let sink = StuckSink()
        let writer = LogWriter(capacity: 4) { sink.write($0) }
        defer {
            sink.release()
            writer.stop()
        }
        var router = Router()
        router.use(AccessLogMiddleware(sink: writer.write))
        router.get("/hello") { _, _ in .text("hello") }
        try await withTestServer(router: router) { _, port in
            let client = try await TestClient.open(port, timeoutSeconds: 2)
            for _ in 0..<20 {
                try await client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.response().status == 200)
            }
        }
        #expect(writer.droppedLines > 0)
    }
}
