/// What the parser produced from the bytes fed so far: a head, a piece of body, or the end of a message.
public enum HTTPParserEvent: Sendable, Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}
