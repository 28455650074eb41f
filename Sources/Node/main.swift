import Logging
import Foundation
import HTTP

// Entry point of the `coordinator` executable: parse the command line and the environment, then run.
// Exit status: 0 success, 1 runtime failure, 2 bad command line or configuration.

let command: NodeCommand
do {
    command = try NodeCommand.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("coordinator: \(error.message)\n\(NodeCommand.usage)\n".utf8))
    exit(2)
}
if command == .help {
    print(NodeCommand.usage)
    exit(0)
}
let configuration: NodeConfiguration
do {
    configuration = try NodeConfiguration(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("coordinator: configuration error: \(error.description)\n".utf8))
    exit(2)
}
switch command {
case .token(let subject, let role, let ttl):
    exit(TokenCommand.run(subject: subject, role: role, ttlSeconds: ttl, configuration: configuration))
case .migrate:
    let status = await MigrateCommand.run(configuration: configuration, logger: Logger(nodeID: configuration.nodeID))
    await LogWriter.standardError.flush()
    exit(status)
case .serve:
    let logger = Logger(nodeID: configuration.nodeID)
    do {
        let app = try NodeApp(configuration: configuration, logger: logger)
        let status = await app.run()
        await LogWriter.standardError.flush()
        exit(status)
    } catch {
        FileHandle.standardError.write(Data("coordinator: configuration error: \(error.description)\n".utf8))
        exit(2)
    }
case .help:
    exit(0)
}
