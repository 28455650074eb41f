import Foundation
import Testing
@testable import Logging

/// The hand-written JSON of log lines and error bodies: escaping, number formats, field order, and the
/// builder and the array form giving the same text.
@Suite struct LogLineTests {
    @Test func escapesOnlyWhatJSONRequires() throws {
        let text = "plain /path-1 é \u{1F600} \"q\" back\\slash \n\r\t \u{01} \u{7F}"
        let line = LogLine.json([("k", .string(text))])
        #expect(line == #"{"k":"plain /path-1 é 😀 \"q\" back\\slash \n\r\t \u0001 \#u{7F}"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?["k"] == text)
        #expect(LogLine.json([("a\"b", .string("plain"))]) == #"{"a\"b":"plain"}"#)
    }

    @Test func numbersAndOrderAndBuilderMatchTheArrayForm() {
        let fields: [(String, LogLine.Value)] = [("msg", .string("x")), ("n", .int(-3)), ("d", .double(1.25)),
                                                  ("inf", .double(.infinity)), ("b", .bool(true)), ("f", .bool(false))]
        let expected = #"{"msg":"x","n":-3,"d":1.25,"inf":null,"b":true,"f":false}"#
        #expect(LogLine.json(fields) == expected)
        var builder = LogLine.Builder(capacity: 8)
        for (key, value) in fields { builder.add(key, value) }
        #expect(builder.finish() == expected)
        #expect(LogLine.json([]) == "{}")
    }
}
