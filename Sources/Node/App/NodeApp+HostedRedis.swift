import HTTP
import Storage

extension NodeApp {
    /// Gives each HTTP event loop a Redis connection that it drives itself, so a handler's command
    /// is written, answered and the handler resumed on its own loop's thread (no hop to the Redis
    /// client's thread and back: about a fifth of a Redis-backed request's CPU). Everything else
    /// (duties, a loop's handler while its connection is still connecting) uses the client's own
    /// connections, so a failure here only costs speed.
    func attachRedis(to server: HTTPServer) {
        for loop in server.eventLoops {
            do {
                let io = try services.redis.makeHostedConnection()
                loop.attachSource(fileDescriptor: io.fileDescriptor, run: { io.run() }, stopped: { io.hostStopped() })
            } catch {
                logger.warning("no Redis connection on the HTTP event loops; using the client's own",
                               ["error": .string(error.description)])
                return
            }
        }
    }
}
