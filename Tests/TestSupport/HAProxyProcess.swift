import Foundation

/// A real HAProxy in front of the given node ports, configured by scripts/haproxy-config.sh. It runs
/// in the foreground (`-db`) as our child: a daemonizing child (`-D`) keeps Foundation's exit monitor
/// open through the grandchild, and `waitUntilExit` never returns.
package final class HAProxyProcess: Sendable {
    package let port: Int
    package let process: Process
    private let configFile: URL

    /// The configuration script failed.
    package struct Failure: Error { package var message: String }

    package init(nodePorts: [Int]) throws {
        port = LoopbackPort.free()
        let script = NodeProcess.repositoryRoot.appendingPathComponent("scripts/haproxy-config.sh").path
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/bin/bash")
        generator.arguments = [script, String(port)] + nodePorts.map(String.init)
        let output = Pipe()
        generator.standardOutput = output
        try generator.run()
        let config = output.fileHandleForReading.readDataToEndOfFile()
        generator.waitUntilExit()
        guard generator.terminationStatus == 0 else { throw Failure(message: "haproxy-config.sh exited \(generator.terminationStatus)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-\(UUID().uuidString).cfg")
        configFile = file
        try config.write(to: file)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        process.arguments = ["-db", "-q", "-f", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    package func stop() {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: configFile)
    }

    deinit { stop() }
}
