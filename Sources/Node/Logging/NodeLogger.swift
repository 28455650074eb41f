import Foundation
import Synchronization

/// Structured JSON log lines on standard error, one object per line, so operators can grep and ship
/// them. Callers pass only non-secret fields: tokens, secrets and Authorization never reach a log.
/// Lines are built by hand: `JSONSerialization.data` is too slow for an access-log rate.
final class NodeLogger: Sendable {
    enum Level: String, Sendable { case debug, info, warning, error }

    /// A value a log field may hold.
    enum Field: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String), int(Int), double(Double), bool(Bool)
        init(stringLiteral value: String) { self = .string(value) }
        init(integerLiteral value: Int) { self = .int(value) }
    }

    let nodeID: String
    /// Serialises writes so lines from several threads never interleave.
    private let lock = Mutex<Void>(())

    init(nodeID: String) { self.nodeID = nodeID }

    func info(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.info, message, fields) }
    func warning(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.warning, message, fields) }
    func error(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.error, message, fields) }

    func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, Field>) {
        var line = "{\"ts\":\"\(Self.timestamp(Date()))\",\"level\":\"\(level.rawValue)\",\"node\":"
        Self.appendQuoted(nodeID, to: &line)
        line += ",\"msg\":"
        Self.appendQuoted(message, to: &line)
        for (key, value) in fields {
            line += ","
            Self.appendQuoted(key, to: &line)
            line += ":"
            switch value {
            case .string(let s): Self.appendQuoted(s, to: &line)
            case .int(let i): line += String(i)
            case .double(let d): line += d.isFinite ? String(d) : "null"
            case .bool(let b): line += b ? "true" : "false"
            }
        }
        line += "}\n"
        let data = Data(line.utf8)
        lock.withLock { _ in FileHandle.standardError.write(data) }
    }

    /// Appends `s` as a JSON string literal (RFC 8259 escaping).
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
