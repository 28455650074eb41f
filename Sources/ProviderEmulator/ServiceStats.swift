import Logging

/// What one service has received since the start or the last reset.
struct ServiceStats: Sendable, Equatable {
    var requests = 0
    /// Units of work accepted (personalizations, records, elements, vehicle ids, one per Stripe or
    /// Twilio call); only successful, non-replayed calls add to it.
    var items = 0
    /// Responses by status code as text ("200", "429"), plus "reset" for connections cut on purpose.
    var byStatus: [String: Int] = [:]

    mutating func record(status: String, items: Int) {
        requests += 1
        self.items += items
        byStatus[status, default: 0] += 1
    }

    var json: JSONValue {
        .object([
            "requests": .integer(Int64(requests)),
            "items": .integer(Int64(items)),
            "byStatus": .object(byStatus.mapValues { .integer(Int64($0)) }),
        ])
    }
}
