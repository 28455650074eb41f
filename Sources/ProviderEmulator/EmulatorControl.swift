import HTTP
import Logging

/// The emulator's own endpoints under `/_emulator`: knobs (read, change), statistics, reset. They add
/// no latency and are not counted.
struct EmulatorControl: Sendable {
    let state: EmulatorState

    func register(in router: inout Router) {
        let state = self.state
        router.getSync("/_emulator/config") { _, _ in .json(encoded: state.configJSON.jsonBytes) }
        router.getSync("/_emulator/stats") { _, _ in .json(encoded: state.statsJSON.jsonBytes) }
        router.postSync("/_emulator/reset") { _, _ in
            state.reset()
            return .json(encoded: state.statsJSON.jsonBytes)
        }
        router.postSync("/_emulator/config") { request, _ in Self.configure(state, request) }
    }

    /// `{"service":"maps"|"*", "latencyMs"?, "errorRate"?, "rateLimited"?, "retryAfterSeconds"?, "down"?, "mode"?}`:
    /// changes only the fields given, answers the whole configuration.
    static func configure(_ state: EmulatorState, _ request: HTTPRequest) -> HTTPResponse {
        guard let update = JSONValue.object(from: request.body) else { return problem("the body must be a JSON object") }
        let services: [EmulatedService]
        switch update["service"] {
        case .string("*")?, .string("all")?: services = EmulatedService.allCases
        case .string(let name)?:
            guard let service = EmulatedService(rawValue: name) else {
                return problem("unknown service \(name); one of \(EmulatedService.allCases.map(\.rawValue).joined(separator: ", ")) or *")
            }
            services = [service]
        default: return problem("\"service\" is required (a service name or \"*\")")
        }
        if let problem = state.configure(services, update) { return Self.problem(problem) }
        return .json(encoded: state.configJSON.jsonBytes)
    }

    static func problem(_ message: String) -> HTTPResponse {
        .json(encoded: JSONValue.object(["error": .string(message)]).jsonBytes, status: 400)
    }
}
