import Foundation
import HTTP

/// Structured JSON log lines on standard error, one object per line, so operators can grep and ship
/// them. Callers pass only non-secret fields: tokens, secrets and Authorization never reach a log.
/// Lines are built by the HTTP module's `LogLine` (fast, ordered) and written by its `LogWriter`, the
/// same background writer as the access log: a stalled stderr drops (and counts) lines, never blocks.
final class NodeLogger: Sendable {
    enum Level: String, Sendable { case debug, info, warning, error }

    typealias Field = LogLine.Value

    let nodeID: String

    init(nodeID: String) { self.nodeID = nodeID }

    func info(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.info, message, fields) }
    func warning(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.warning, message, fields) }
    func error(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.error, message, fields) }

    func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, Field>) {
        LogWriter.standardError.write(Self.line(level, message, nodeID: nodeID, at: Date(), fields))
    }

    static func line(_ level: Level, _ message: String, nodeID: String, at date: Date,
                     _ fields: KeyValuePairs<String, Field>) -> String {
        var all: [(String, Field)] = [("ts", .string(timestamp(date))), ("level", .string(level.rawValue)),
                                      ("node", .string(nodeID)), ("msg", .string(message))]
        all.append(contentsOf: fields.map { ($0.key, $0.value) })
        return LogLine.json(all)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
