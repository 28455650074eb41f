import Coordination
import Foundation
import Logging

/// Broadcasts stored budget alerts to the `cost_monitoring` room (event `budget.alert`). Called only
/// for alerts stored just now, so each reaches the room once; a failed publish is logged once per
/// reason and counted (the row stays in `budget_alerts`).
struct BudgetAlerts: Sendable {
    let hub: RealtimeHub
    let failures: FailureLog

    static let room = "cost_monitoring"

    func publish(_ alert: BudgetAlertRecord) async {
        var data: [UInt8] = []
        data.append(contentsOf: #"{"id":"#.utf8)
        JSONBytes.appendInteger(alert.id, to: &data)
        data.append(contentsOf: #","service":"#.utf8)
        JSONBytes.appendString(alert.service, to: &data)
        data.append(contentsOf: #","level":"#.utf8)
        JSONBytes.appendString(alert.level, to: &data)
        data.append(contentsOf: #","period":"#.utf8)
        if let period = alert.period { JSONBytes.appendString(period, to: &data) } else { data.append(contentsOf: "null".utf8) }
        data.append(contentsOf: #","utilization":"#.utf8)
        if let utilization = alert.utilization, utilization.isFinite {
            data.append(contentsOf: String(utilization).utf8)
        } else {
            data.append(contentsOf: "null".utf8)
        }
        for (name, value) in [("spentMicros", alert.spentMicros), ("limitMicros", alert.limitMicros)] {
            data.append(contentsOf: ",\"\(name)\":".utf8)
            if let value { JSONBytes.appendInteger(value, to: &data) } else { data.append(contentsOf: "null".utf8) }
        }
        data.append(contentsOf: #","message":"#.utf8)
        JSONBytes.appendString(alert.message, to: &data)
        data.append(contentsOf: (alert.manual ? #","manual":true"# : #","manual":false"#).utf8)
        data.append(contentsOf: #","actor":"#.utf8)
        JSONBytes.appendString(alert.actor, to: &data)
        data.append(contentsOf: #","at":"#.utf8)
        JSONBytes.appendString(alert.createdAt.formatted(.iso8601), to: &data)
        data.append(UInt8(ascii: "}"))
        let priority: RealtimePriority = switch alert.level {
        case "blocked", "emergency": .critical
        case "throttled", "critical": .high
        default: .medium
        }
        do {
            try await hub.publish(room: Self.room, event: "budget.alert", priority: priority, data: String(decoding: data, as: UTF8.self))
            failures.succeeded()
        } catch {
            failures.failed(error.reason, detail: error.description)
        }
    }
}
