@testable import HTTP

/// A whole request as seen through the parser's events, for comparing different feeding strategies.
struct ParsedMessage: Equatable, CustomStringConvertible {
    var head: HTTPRequestHead
    var body: [UInt8]

    var description: String { "\(head.method) \(head.target) \(head.version) body=\(body.count)" }

    /// Feeds `chunks` in order and collects every complete message; rethrows the first parse error.
    static func parse(_ chunks: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> [ParsedMessage] {
        var parser = HTTPRequestParser(limits: limits)
        var messages: [ParsedMessage] = []
        var current: ParsedMessage?
        for chunk in chunks {
            parser.feed(chunk)
            while let event = try parser.next() {
                switch event {
                case .head(let head): current = ParsedMessage(head: head, body: [])
                case .body(let bytes): current?.body.append(contentsOf: bytes)
                case .end:
                    if let done = current { messages.append(done) }
                    current = nil
                }
            }
        }
        return messages
    }

    static func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> [ParsedMessage] {
        try parse([Array(text.utf8)], limits: limits)
    }

    /// The error produced by `text`, if any, whatever way it is split.
    static func error(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) -> HTTPParseError? {
        do {
            _ = try parse([bytes], limits: limits)
            return nil
        } catch {
            return error
        }
    }
}
