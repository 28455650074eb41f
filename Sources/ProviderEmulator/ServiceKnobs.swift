import Logging

/// What a test or operator can turn per service through `POST /_emulator/config`.
struct ServiceKnobs: Sendable, Equatable {
    /// How a service that is `down` fails.
    enum DownMode: String, Sendable {
        /// 503 in the provider's error format.
        case status
        /// The response head is sent, then the connection is closed mid-body (the HTTP layer has no
        /// "close without answering", and a truncated response is what a client sees as a reset).
        case reset
    }

    var latencyMs: Int
    /// Probability in [0, 1] that a call fails with 500 or 503 (one of the two at random).
    var errorRate: Double = 0
    var rateLimited = false
    var retryAfterSeconds = 1
    var down = false
    var mode: DownMode = .status

    init(service: EmulatedService, latencyMs: Int? = nil) {
        self.latencyMs = latencyMs ?? service.defaultLatencyMs
    }

    /// Applies the fields present in `update`; a field of the wrong type or range is an error message.
    mutating func apply(_ update: [String: JSONValue]) -> String? {
        if let value = update["latencyMs"] {
            guard case .integer(let ms) = value, (0...60_000).contains(ms) else { return "latencyMs must be an integer in 0...60000" }
            latencyMs = Int(ms)
        }
        if let value = update["errorRate"] {
            guard let rate = value.doubleValue, (0...1).contains(rate) else { return "errorRate must be a number in 0...1" }
            errorRate = rate
        }
        if let value = update["rateLimited"] {
            guard case .bool(let flag) = value else { return "rateLimited must be a boolean" }
            rateLimited = flag
        }
        if let value = update["retryAfterSeconds"] {
            guard case .integer(let seconds) = value, (0...3_600).contains(seconds) else { return "retryAfterSeconds must be an integer in 0...3600" }
            retryAfterSeconds = Int(seconds)
        }
        if let value = update["down"] {
            guard case .bool(let flag) = value else { return "down must be a boolean" }
            down = flag
        }
        if let value = update["mode"] {
            guard case .string(let raw) = value, let parsed = DownMode(rawValue: raw) else { return "mode must be \"status\" or \"reset\"" }
            mode = parsed
        }
        return nil
    }

    var json: JSONValue {
        .object([
            "latencyMs": .integer(Int64(latencyMs)),
            "errorRate": .number(errorRate),
            "rateLimited": .bool(rateLimited),
            "retryAfterSeconds": .integer(Int64(retryAfterSeconds)),
            "down": .bool(down),
            "mode": .string(mode.rawValue),
        ])
    }
}
