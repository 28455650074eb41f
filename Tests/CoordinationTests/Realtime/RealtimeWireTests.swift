import Logging
import Foundation
import Storage
import Testing
@testable import Coordination

/// The event formats: ids, the pub/sub payload, history entries, the client JSON.
@Suite struct RealtimeWireTests {
    @Test(arguments: [("1732870000000-0", true), ("0-0", true), ("18446744073709551615-18446744073709551615", true),
                      ("1-", false), ("-1", false), ("1-2-3", false), ("a-1", false), ("1 -2", false), ("+1-2", false),
                      ("", false), ("18446744073709551616-0", false)])
    func parsesEventIDs(text: String, valid: Bool) {
        let id = RealtimeEventID(text)
        #expect((id != nil) == valid)
        if let id { #expect(id.description == text) }
    }

    @Test func ordersEventIDsNumerically() {
        #expect(RealtimeEventID("9-5")! < RealtimeEventID("10-0")!)
        #expect(RealtimeEventID("10-2")! < RealtimeEventID("10-10")!)
        #expect(!(RealtimeEventID("10-0")! < RealtimeEventID("10-0")!))
    }

    @Test func readsThePublishedPayloadAndBuildsTheClientMessage() throws {
        let payload = Array("1732870000000-3\nhigh\n1732870000000\nbudget.alert\n{\"a\":\"x\\ny\",\"n\":[1,\n2]}".utf8)
        let event = try #require(RealtimeEvent(room: "cost_monitoring", payload: payload))
        #expect(event.id == RealtimeEventID("1732870000000-3"))
        #expect(event.priority == .high)
        #expect(event.event == "budget.alert")
        #expect(event.data == "{\"a\":\"x\\ny\",\"n\":[1,\n2]}")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(event.message.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "event")
        #expect(object["room"] as? String == "cost_monitoring")
        #expect(object["id"] as? String == "1732870000000-3")
        #expect(object["priority"] as? String == "high")
        #expect(object["ts"] as? Int == 1_732_870_000_000)
        #expect((object["data"] as? [String: Any])?["a"] as? String == "x\ny")
    }

    @Test(arguments: ["", "1-0\nhigh\n5\nx", "1-0\nurgent\n5\nx\n{}", "bad\nhigh\n5\nx\n{}", "1-0\nhigh\nnow\nx\n{}",
                      "1-0\nhigh\n5\nx\n"])
    func refusesMalformedPayloads(text: String) {
        #expect(RealtimeEvent(room: "r", payload: Array(text.utf8)) == nil)
    }

    @Test func readsHistoryEntries() throws {
        let entry = RedisReply.array([.bulkString(Array("5-1".utf8)), .array([
            .bulkString(Array("p".utf8)), .bulkString(Array("low".utf8)), .bulkString(Array("t".utf8)), .bulkString(Array("5".utf8)),
            .bulkString(Array("e".utf8)), .bulkString(Array("tick".utf8)), .bulkString(Array("d".utf8)), .bulkString(Array("null".utf8)),
        ])])
        let event = try #require(RealtimeEvent(room: "r", streamEntry: entry))
        #expect(event.id == RealtimeEventID("5-1"))
        #expect(event.priority == .low)
        #expect(event.data == "null")
        #expect(RealtimeEvent(room: "r", streamEntry: .array([.bulkString(Array("5-1".utf8)), .array([])])) == nil)
    }

    @Test(arguments: [("plain", "\"plain\""), ("q\"b\\", "\"q\\\"b\\\\\""), ("a\nb\t\u{01}", "\"a\\nb\\t\\u0001\""),
                      ("é✓", "\"é✓\"")])
    func quotesJSONStrings(text: String, quoted: String) throws {
        #expect(JSONText.quoted(text) == quoted)
        #expect(try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String == text)
    }

    @Test func keepsIntegersAndBooleansThroughJSONValue() throws {
        let text = #"{"micros":9007199254740993,"ok":true,"ratio":0.5,"none":null,"list":["a",1]}"#
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(document.text == #"{"list":["a",1],"micros":9007199254740993,"none":null,"ok":true,"ratio":0.5}"#)
    }
}
