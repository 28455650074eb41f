// A tiny server for scripts/bench-http.sh: GET /healthz answers a fixed small body through the router;
// GET /ws is a WebSocket echo endpoint (Autobahn suite, idle-connection test).
// Usage: HTTPBench [port] [loops]
import Logging
import Foundation
import HTTP

/// Built outside top-level code on purpose, so route closures cannot pick up main-actor isolation from
/// main.swift's top level (which would make requests hop to the main thread).
func makeRouter() -> Router {
    var router = Router()
    let body = Array(#"{"status":"ok"}"#.utf8)
    router.getSync("/healthz") { _, _ in
        HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
    }
    router.webSocket("/ws") { _, _ in EchoWebSocketHandler() }
    return router
}

func makeConfiguration(_ arguments: [String]) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8090 : 8090)
    if arguments.count > 2, let loops = Int(arguments[2]) { configuration.loopCount = loops }
    configuration.idleTimeout = .seconds(120)
    // The Autobahn suite sends messages up to 16 MiB to the echo endpoint ...
    configuration.webSocket.maxMessageBytes = 20 * 1_048_576
    configuration.webSocket.maxFrameBytes = 20 * 1_048_576
    // The echo endpoint answers bursts (Autobahn 9.x: 1,000 messages back to back) with no retry.
    configuration.webSocket.maxOutboundBytes = 64 * 1_048_576
    // ... some of them (9.3/9.4) in 64-byte fragments: 4 MiB / 64 = 65,536 fragments.
    configuration.webSocket.maxFragments = 1 << 20
    configuration.maxConnections = 20_000
    return configuration
}

let configuration = makeConfiguration(CommandLine.arguments)
do {
    let server = try HTTPServer(configuration: configuration, router: makeRouter())
    try await server.listen()
    StandardError.write("listening on \(configuration.host):\(server.localPort ?? 0)")
    await server.shutdownOnSignal(deadline: .seconds(2))
} catch {
    FileHandle.standardError.write(Data("HTTPBench: \(error)\n".utf8))
    exit(1)
}
