import Foundation
import Testing
@testable import Node

@Suite struct NodeLoggerTests {
    @Test func quotesAsValidJSON() throws {
        let nasty = "a\"b\\c\nd\te\u{01}f é 🙂"
        var out = ""
        NodeLogger.appendQuoted(nasty, to: &out)
        let decoded = try JSONDecoder().decode(String.self, from: Data(out.utf8))
        #expect(decoded == nasty)
    }

    @Test func timestampIsRFC3339() {
        let s = NodeLogger.timestamp(Date(timeIntervalSince1970: 0))
        #expect(s.hasPrefix("1970-01-01T00:00:00.000"))
    }
}
