import Coordination
import Logging

/// The rate-limit answers written by hand (the check route is the hottest of the API; `JSONEncoder`
/// cost more than the Redis call). Same fields and values as encoding `RateLimitController`'s
/// `CheckResponse` (tests compare the two).
enum RateLimitJSON {
    static func check(_ decision: RateLimitDecision, service: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        out.append(contentsOf: #"{"service":"#.utf8)
        JSONBytes.appendString(service, to: &out)
        out.append(contentsOf: (decision.allowed ? #","allowed":true"# : #","allowed":false"#).utf8)
        if let tier = decision.deniedBy {
            out.append(contentsOf: #","deniedBy":"#.utf8)
            JSONBytes.appendString(tier, to: &out)
        }
        if let retry = decision.retryAfterMs {
            out.append(contentsOf: #","retryAfterMs":"#.utf8)
            JSONBytes.appendInteger(retry, to: &out)
        }
        out.append(contentsOf: #","mode":""#.utf8)
        out.append(contentsOf: decision.mode.rawValue.utf8)
        out.append(contentsOf: #"","at":"#.utf8)
        JSONBytes.appendInteger(decision.atMs, to: &out)
        appendTiers(decision.tiers, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func appendTiers(_ tiers: [RateLimitDecision.TierState], to out: inout [UInt8]) {
        out.append(contentsOf: #","tiers":["#.utf8)
        for (index, state) in tiers.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            JSONBytes.appendString(state.tier.name, to: &out)
            out.append(contentsOf: #","limit":"#.utf8)
            JSONBytes.appendInteger(state.tier.limit, to: &out)
            out.append(contentsOf: #","windowMs":"#.utf8)
            JSONBytes.appendInteger(state.tier.windowMs, to: &out)
            out.append(contentsOf: #","used":"#.utf8)
            JSONBytes.appendInteger(state.used, to: &out)
            out.append(contentsOf: #","remaining":"#.utf8)
            JSONBytes.appendInteger(state.remaining, to: &out)
            out.append(contentsOf: #","resetMs":"#.utf8)
            JSONBytes.appendInteger(state.resetMs, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }
}
