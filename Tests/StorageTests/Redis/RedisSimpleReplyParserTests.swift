import Testing
@testable import Storage

/// The fast path for simple replies: exact results for what it takes, and nil (left to hiredis)
/// for everything else, including every incomplete prefix of what it takes.
@Suite struct RedisSimpleReplyParserTests {
    private func parse(_ bytes: [UInt8]) -> (RedisReply, Int)? {
        bytes.withUnsafeBytes { raw in RedisSimpleReplyParser.parse(raw).map { ($0.reply, $0.length) } }
    }

    private func parse(_ text: String) -> (RedisReply, Int)? { parse(Array(text.utf8)) }

    static let taken: [(String, RedisReply)] = [
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(.max)),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("+OK\r\n", .status("OK")),
        ("+\r\n", .status("")),
        ("+a\nb\r\n", .status("a\nb")),
        ("-ERR unknown command\r\n", .error("ERR unknown command")),
        ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$4\r\n\r\n\0\u{1}\r\n", .bulkString([13, 10, 0, 1])),
        ("$-1\r\n", .null),
    ]

    /// Left to hiredis: other types, malformed or out-of-range input, long strings.
    static let left: [String] = [
        "*1\r\n:1\r\n", "*-1\r\n", "?x\r\n", ":\r\n", ":-\r\n", ":1a\r\n", ":1\r", ":1\rx", ": 1\r\n",
        ":007\r\n", ":-0\r\n", ":9223372036854775808\r\n", ":-9223372036854775809\r\n", ":00000000000000000001\r\n",
        "+a\rb\r\n", "$-2\r\n", "$abc\r\n", "$3\r\nabcXY", "$3\r\nab\r\n", "$4097\r\n" + String(repeating: "a", count: 4097) + "\r\n",
        "+" + String(repeating: "a", count: 5000) + "\r\n",
    ]

    @Test(arguments: 0..<taken.count)
    func takesCompleteSimpleRepliesButNoPrefixOfThem(_ index: Int) {
        let (text, expected) = Self.taken[index]
        let bytes = Array(text.utf8)
        let whole = parse(bytes)
        #expect(whole?.0 == expected)
        #expect(whole?.1 == bytes.count)
        // Followed by more input, it takes exactly its own bytes.
        #expect(parse(bytes + Array(":1\r\n".utf8))?.1 == bytes.count)
        for end in 0..<bytes.count {
            #expect(parse(Array(bytes[..<end])) == nil, "prefix of \(end) bytes of \(text.debugDescription)")
        }
    }

    @Test(arguments: left)
    func leavesEverythingElseToHiredis(_ text: String) {
        #expect(parse(text) == nil)
    }
}
