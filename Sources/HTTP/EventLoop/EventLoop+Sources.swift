/// Other I/O driven by a loop besides its connections: a Redis connection (`RedisHostedIO` in
/// Storage) that its handlers' commands go to, so a command and its reply never leave the loop's
/// thread. The loop calls the source's `run` once per turn, after its tasks and before it waits
/// (commands sent during the turn are then written together), and whenever the source's
/// descriptor is readable; it sleeps at most as long as `run` last asked; on stop it calls `stopped`.
extension EventLoop {
    /// Attaches a source (safe from any thread; it takes effect on the loop's next turn). `run`
    /// returns the longest the loop may sleep in milliseconds (0: call again at once, -1: no limit).
    /// A loop that has stopped already calls `stopped` at once instead.
    public func attachSource(fileDescriptor: Int32, run: @escaping @Sendable () -> Int32,
                             stopped: @escaping @Sendable () -> Void) {
        execute { [self] in
            guard isRunning else {
                stopped()
                return
            }
            let source = AttachedSource(run: run, stopped: stopped)
            do {
                source.registration = try register(fd: fileDescriptor, interest: .readable, handler: source)
                source.fileDescriptor = fileDescriptor
            } catch {
                // Without a registration the source still runs every turn, and sleeps are bounded
                // by what it asks: slower to notice its I/O, never stuck.
            }
            sources.append(source)
        }
    }

    /// Runs every source; the shortest sleep they ask for (-1: no limit). Loop thread only.
    func runSources() -> Int32 {
        var timeout: Int32 = -1
        for source in sources {
            let asked = source.run()
            if asked >= 0 && (timeout < 0 || asked < timeout) { timeout = asked }
        }
        return timeout
    }

    /// The loop is stopping: each source lets go (its pending work fails), once. Loop thread only.
    func stopSources() {
        let stopping = sources
        sources = []
        for source in stopping {
            if let registration = source.registration { deregister(fd: source.fileDescriptor, id: registration) }
            source.stopped()
        }
    }
}

/// One attached source, as the selector's handler for its descriptor; touched on the loop only.
final class AttachedSource: SelectableHandler {
    let run: @Sendable () -> Int32
    let stopped: @Sendable () -> Void
    var registration: UInt64?
    var fileDescriptor: Int32 = -1

    init(run: @escaping @Sendable () -> Int32, stopped: @escaping @Sendable () -> Void) {
        self.run = run
        self.stopped = stopped
    }

    func handleEvents(_ events: SelectorEvents) {
        _ = run()
    }
}
