import Coordination
import Logging

/// `POST /call`'s answer, written straight into bytes (no `JSONEncoder`: this is on every call, and
/// the same bytes are stored for idempotent replays):
/// `{service, operation, status, body, costMicros, latencyMs, attempts, error?, requestId}`, where
/// `status` and `body` are the provider's for this item and `error` is `{code, message}` when the
/// provider refused the item.
enum CallJSON {
    static func encode(service: String, operation: String, result: ItemResult, costMicros: Int64, latencyMs: Int,
                       attempts: Int, requestID: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: #"{"service":"#.utf8)
        JSONBytes.appendString(service, to: &out)
        out.append(contentsOf: #","operation":"#.utf8)
        JSONBytes.appendString(operation, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        JSONBytes.appendInteger(result.status, to: &out)
        out.append(contentsOf: #","succeeded":"#.utf8)
        out.append(contentsOf: (result.succeeded ? "true" : "false").utf8)
        out.append(contentsOf: #","body":"#.utf8)
        result.body.appendJSON(to: &out)
        out.append(contentsOf: #","costMicros":"#.utf8)
        JSONBytes.appendInteger(costMicros, to: &out)
        out.append(contentsOf: #","latencyMs":"#.utf8)
        JSONBytes.appendInteger(latencyMs, to: &out)
        out.append(contentsOf: #","attempts":"#.utf8)
        JSONBytes.appendInteger(attempts, to: &out)
        if let error = result.error {
            out.append(contentsOf: #","error":{"code":"#.utf8)
            JSONBytes.appendString(error.code, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONBytes.appendString(error.message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #","requestId":"#.utf8)
        JSONBytes.appendString(requestID, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
