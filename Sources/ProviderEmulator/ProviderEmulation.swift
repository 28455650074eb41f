import HTTP

/// One provider's API as the emulator answers it. The gate (`ProviderGate`) applies latency and the
/// knobs around it, in this order: down, authentication, rate limit, random errors, then `handle`.
protocol ProviderEmulation: Sendable {
    var service: EmulatedService { get }
    /// The provider's own error body for `status` (401, 429, 500, 503) saying `message`.
    func failure(status: Int, message: String) -> EmulatorReply
    /// nil when the request carries acceptable credentials, otherwise the provider's refusal.
    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply?
    /// The answer to an authenticated request; limits are checked here.
    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply
}
