import Foundation

/// Structured JSON log lines on standard error, one object per line, so operators can grep and ship
/// them. Every layer logs through it (HTTP's error log, the domain's background work, the node).
/// Callers pass only non-secret fields: tokens, secrets and Authorization never reach a log.
/// Lines are built by `LogLine` (fast, ordered) and written by a `LogWriter`, the same background
/// writer as the access log: a stalled stderr drops (and counts) lines, never blocks.
public final class Logger: Sendable {
    public enum Level: String, Sendable { case debug, info, warning, error }

    public typealias Field = LogLine.Value

    /// Who is logging: the node's id in every line.
    public let nodeID: String
    let writer: LogWriter

    public init(nodeID: String, writer: LogWriter = .standardError) {
        self.nodeID = nodeID
        self.writer = writer
    }

    public func info(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: KeyValuePairs<String, Field> = [:]) { log(.error, message, fields) }

    public func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, Field>) {
        writer.write(Self.line(level, message, nodeID: nodeID, at: Date(), fields))
    }

    /// Same as `log`, with fields collected at run time (a failure's fields plus its context).
    public func log(_ level: Level, _ message: String, fields: [(String, Field)]) {
        var all = Self.head(level, message, nodeID: nodeID, at: Date())
        all.append(contentsOf: fields)
        writer.write(LogLine.json(all))
    }

    public static func line(_ level: Level, _ message: String, nodeID: String, at date: Date,
                            _ fields: KeyValuePairs<String, Field>) -> String {
        var all = head(level, message, nodeID: nodeID, at: date)
        all.append(contentsOf: fields.map { ($0.key, $0.value) })
        return LogLine.json(all)
    }

    private static func head(_ level: Level, _ message: String, nodeID: String, at date: Date) -> [(String, Field)] {
        [("ts", .string(timestamp(date))), ("level", .string(level.rawValue)), ("node", .string(nodeID)),
         ("msg", .string(message))]
    }

    /// RFC 3339 with milliseconds, UTC: the format of every time in logs and in the API.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
