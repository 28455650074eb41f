import HTTP

/// Starts an in-process server on port 0 with `router`, runs `body` with it and its port, and always
/// shuts the server down (the `withTestNode { }` of the HTTP library's own tests).
package func withTestServer(router: Router, configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                            _ body: (HTTPServer, Int) async throws -> Void) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.loopCount = 2
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, router: router)
    try await server.listen()
    guard let port = server.localPort else {
        await server.shutdown(deadline: .seconds(1))
        throw TestClient.Failure(description: "the server listens but reports no port")
    }
    do {
        try await body(server, port)
    } catch {
        await server.shutdown(deadline: .seconds(1))
        throw error
    }
    await server.shutdown(deadline: .seconds(1))
}
