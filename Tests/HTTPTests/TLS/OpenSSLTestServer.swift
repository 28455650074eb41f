import Foundation
import Glibc
import TestSupport

/// `openssl s_server -www` on a free loopback port: a real TLS endpoint that answers `GET /` with an
/// HTTP/1.0 status page. Always `stop()` it (a `defer` right after `start`); `deinit` kills it too.
final class OpenSSLTestServer {
    struct StartFailed: Error, CustomStringConvertible { let description: String }

    let port: Int
    private let process: Process

    init(certificate: String, key: String, extraArguments: [String] = []) throws {
        port = LoopbackPort.free()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet"]
            + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts: the probe connection closes at once, which s_server shrugs off.
        let deadline = ContinuousClock.now + .seconds(5)
        while !LoopbackPort.accepts(port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                throw StartFailed(description: "openssl s_server did not listen on \(port)")
            }
            usleep(10_000)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
