import Testing
@testable import Logging

/// `JSONValue.jsonBytes` writes what the parser reads back, with sorted keys.
@Suite struct JSONValueBytesTests {
    @Test(arguments: [
        #"{"b":[1,2.5,"x\"y",true,false,null],"a":{"z":{},"y":[]}}"#,
        #""é\n\u0001""#,
        #"-9223372036854775808"#,
        #"[]"#,
    ])
    func roundTrips(text: String) throws {
        let value = try #require(JSONValue.parse(Array(text.utf8)))
        let bytes = value.jsonBytes
        #expect(JSONValue.parse(bytes) == value)
        #expect(bytes == JSONValue.parse(bytes)?.jsonBytes)
    }

    @Test func sortsKeysAndRefusesNonFiniteNumbers() {
        let value = JSONValue.object(["b": .integer(1), "a": .number(.infinity)])
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == #"{"a":null,"b":1}"#)
    }
}
