// provider-emulator: the six providers' APIs and limits on loopback, for tests, benchmarks and the
// dev cluster. Prints `{"msg":"listening","port":N}` on stdout once it accepts connections and exits
// cleanly on SIGTERM or SIGINT. Control endpoints: /_emulator/config, /_emulator/stats, /_emulator/reset.
import Foundation
import HTTP
import Logging

/// Built outside top-level code so route closures do not inherit main-actor isolation.
func makeServer(_ options: EmulatorOptions) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration(host: options.host, port: options.port)
    configuration.loopCount = options.loops
    // SendGrid accepts mails up to 20 MB (1,000 personalizations fit easily); give the same room.
    configuration.parserLimits.maxBodyBytes = 20 * 1_048_576
    let state = EmulatorState(latencyOverrideMs: options.latencyMs)
    return try HTTPServer(configuration: configuration, router: EmulatorRouter.make(state: state))
}

do {
    let options = try EmulatorOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let server = try makeServer(options)
    try await server.listen()
    let line = JSONValue.object(["msg": .string("listening"), "port": .integer(Int64(server.localPort ?? 0))]).jsonBytes
    FileHandle.standardOutput.write(Data(line + [0x0A]))
    await server.shutdownOnSignal(deadline: .seconds(2))
} catch {
    FileHandle.standardError.write(Data("provider-emulator: \(error)\n".utf8))
    exit(1)
}
