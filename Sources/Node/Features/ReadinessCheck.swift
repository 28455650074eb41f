/// One named condition of `/readyz` (`redis`, `postgres`, `migrations`, `pubsub`, ...): nil when it
/// holds, otherwise a fixed word saying why not (`unreachable`, `timeout`). `/readyz` is
/// unauthenticated, so addresses and driver messages stay in the logs.
struct ReadinessCheck: Sendable {
    let name: String
    let probe: @Sendable () async -> String?

    init(_ name: String, _ probe: @escaping @Sendable () async -> String?) {
        self.name = name
        self.probe = probe
    }
}
