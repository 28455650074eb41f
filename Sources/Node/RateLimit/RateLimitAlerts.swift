import Coordination
import Logging

/// Sends the alerts a decision raised (`near_limit`, `throttled`, `recovered`: once per transition
/// and tier, cluster-wide, as the script decides) to the `rate_limit_alerts` room. A failed publish
/// never fails the decision: it is logged once per reason and counted.
struct RateLimitAlerts: Sendable {
    let hub: RealtimeHub
    let failures: FailureLog

    static let room = "rate_limit_alerts"

    func publish(_ decision: RateLimitDecision, service: String) async {
        for state in decision.tiers {
            guard let alert = state.alert else { continue }
            var data: [UInt8] = []
            data.append(contentsOf: #"{"service":"#.utf8)
            JSONBytes.appendString(service, to: &data)
            data.append(contentsOf: #","tier":"#.utf8)
            JSONBytes.appendString(state.tier.name, to: &data)
            data.append(contentsOf: #","alert":""#.utf8)
            data.append(contentsOf: alert.rawValue.utf8)
            data.append(contentsOf: #"","used":"#.utf8)
            JSONBytes.appendInteger(state.used, to: &data)
            data.append(contentsOf: #","limit":"#.utf8)
            JSONBytes.appendInteger(state.tier.limit, to: &data)
            data.append(contentsOf: #","windowMs":"#.utf8)
            JSONBytes.appendInteger(state.tier.windowMs, to: &data)
            data.append(contentsOf: #","mode":""#.utf8)
            data.append(contentsOf: decision.mode.rawValue.utf8)
            data.append(contentsOf: #"","at":"#.utf8)
            JSONBytes.appendInteger(decision.atMs, to: &data)
            data.append(UInt8(ascii: "}"))
            do {
                try await hub.publish(room: Self.room, event: "rate_limit." + alert.rawValue,
                                      priority: alert == .throttled ? .high : .medium, data: String(decoding: data, as: UTF8.self))
                failures.succeeded()
            } catch {
                failures.failed(error.reason, detail: error.description)
            }
        }
    }
}
