import Foundation
import Testing
@testable import Logging

@Suite struct LoggerTests {
    @Test func linesAreValidJSONWithEscapedValues() throws {
        let nasty = "a\"b\\c\nd\te\u{01}f é 🙂"
        let line = Logger.line(.warning, nasty, nodeID: "n-1", at: Date(timeIntervalSince1970: 0),
                                   ["count": .int(3), "why": .string(nasty), "ok": .bool(false)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == nasty)
        #expect(object["why"] as? String == nasty)
        #expect(object["count"] as? Int == 3)
        #expect(object["level"] as? String == "warning")
        #expect(object["node"] as? String == "n-1")
        #expect((object["ts"] as? String)?.hasPrefix("1970-01-01T00:00:00.000") == true)
    }
}
