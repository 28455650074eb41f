/// JSON string literals for messages assembled by hand on hot paths (one realtime event is encoded
/// once and sent to thousands of sockets; JSONEncoder per event would dominate the fan-out). The
/// escaping is `LogLine`'s: one implementation of RFC 8259 section 7 for the whole project.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var out = ""
        LogLine.appendString(text, to: &out)
        return out
    }
}
