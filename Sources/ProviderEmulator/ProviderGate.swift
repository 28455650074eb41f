import HTTP

/// Wraps a provider emulation into a route handler: waits the service's latency (an async sleep, so
/// the event loop keeps serving others), applies the knobs and counts the outcome.
struct ProviderGate: Sendable {
    let state: EmulatorState

    func handler(_ provider: some ProviderEmulation) -> HTTPHandler {
        let state = self.state
        return { request, context in
            let knobs = state.knobs(provider.service)
            if knobs.latencyMs > 0 { try? await Task.sleep(for: .milliseconds(knobs.latencyMs)) }
            let reply = Self.answer(provider, knobs: knobs, request, context)
            state.record(provider.service, status: reply.reset ? "reset" : String(reply.status), items: reply.items)
            return reply.response
        }
    }

    static func answer(_ provider: some ProviderEmulation, knobs: ServiceKnobs,
                       _ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        if knobs.down {
            if knobs.mode == .reset { return EmulatorReply(status: 0, reset: true) }
            return provider.failure(status: 503, message: "Service Unavailable (emulated outage)")
        }
        if let refusal = provider.authenticate(request, context) { return refusal }
        if knobs.rateLimited {
            var reply = provider.failure(status: 429, message: "Too many requests (emulated rate limit)")
            reply.headers.replaceOrAdd("Retry-After", String(knobs.retryAfterSeconds))
            return reply
        }
        if knobs.errorRate > 0, Double.random(in: 0..<1) < knobs.errorRate {
            return Bool.random()
                ? provider.failure(status: 500, message: "Internal Server Error (emulated)")
                : provider.failure(status: 503, message: "Service Unavailable (emulated)")
        }
        return provider.handle(request, context)
    }
}
