/// Pieces for response bodies written by hand instead of through `JSONEncoder` (which costs tens of
/// microseconds on a hot route): JSON strings with the escaping the access log uses, and integers.
public enum JSONBytes {
    /// `text` as a quoted JSON string (quotes, backslashes and control characters escaped).
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        LogLine.appendString(text, to: &out)
    }

    /// `value` in decimal, as JSON writes integers.
    public static func appendInteger(_ value: some BinaryInteger, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
