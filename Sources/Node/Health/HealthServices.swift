import Coordination
import Logging

/// What the calls feature takes from the health feature: the shared breakers, the policy, and the
/// announcement of a transition to `api_status_updates` (once: only the node whose script call made
/// the transition announces it).
struct HealthServices: Sendable {
    let breakers: CircuitBreakerStore
    let breakerPolicy: BreakerPolicy
    let hub: RealtimeHub
    let failures: FailureLog

    static let room = "api_status_updates"

    func policy(for service: String) -> BreakerPolicy { breakerPolicy }

    func publishTransition(service: String, from: CircuitState, to: CircuitState, reason: String) async {
        var data: [UInt8] = []
        data.append(contentsOf: #"{"service":"#.utf8)
        JSONBytes.appendString(service, to: &data)
        data.append(contentsOf: #","from":""#.utf8)
        data.append(contentsOf: from.rawValue.utf8)
        data.append(contentsOf: #"","to":""#.utf8)
        data.append(contentsOf: to.rawValue.utf8)
        data.append(contentsOf: #"","reason":"#.utf8)
        JSONBytes.appendString(reason, to: &data)
        data.append(UInt8(ascii: "}"))
        do {
            try await hub.publish(room: Self.room, event: "circuit.changed", priority: to == .open ? .high : .medium,
                                  data: String(decoding: data, as: UTF8.self))
            failures.succeeded()
        } catch {
            failures.failed(error.reason, detail: error.description)
        }
    }
}
