import Testing
import TestSupport
@testable import Storage

@Suite struct RedisReplyReaderTests {
    /// Feeds `input` split into chunks of `chunk` bytes and collects every reply.
    private func parse(_ input: String, chunk: Int = .max, limits: RedisReplyReader.Limits = .init(),
                       fastPath: Bool = true) throws(RedisError) -> [RedisReply] {
        try parse(Array(input.utf8), chunks: [chunk], limits: limits, fastPath: fastPath)
    }

    /// Feeds `bytes` in chunks of the given sizes (cycling through them) and collects every reply.
    private func parse(_ bytes: [UInt8], chunks: [Int], limits: RedisReplyReader.Limits = .init(),
                       fastPath: Bool = true) throws(RedisError) -> [RedisReply] {
        let reader = RedisReplyReader(limits: limits, fastPath: fastPath)
        var sizes = chunks.makeIterator()
        var replies: [RedisReply] = []
        var index = 0
        while index < bytes.count {
            let chunk: Int
            if let size = sizes.next() { chunk = size } else { sizes = chunks.makeIterator(); chunk = sizes.next() ?? .max }
            let end = index + min(max(chunk, 1), bytes.count - index)
            let slice = Array(bytes[index..<end])
            var failure: RedisError?
            slice.withUnsafeBytes { raw in
                do { try reader.feed(raw) } catch { failure = (error as? RedisError) ?? RedisError(.protocolError, "\(error)") }
            }
            if let failure { throw failure }
            while let reply = try reader.next() { replies.append(reply) }
            index = end
        }
        return replies
    }

    static let cases: [(String, RedisReply)] = [
        ("+OK\r\n", .status("OK")),
        ("-ERR unknown command\r\n", .error("ERR unknown command")),
        (":-42\r\n", .integer(-42)),
        ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        ("*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n", .array([.integer(1), .bulkString([97]), .array([.status("x")])])),
        ("*2\r\n$-1\r\n-E\r\n", .array([.null, .error("E")])),
        ("$4\r\n\r\n\0\u{1}\r\n", .bulkString([13, 10, 0, 1])),
    ]

    @Test(arguments: 0..<cases.count)
    func convertsEachReplyTypeWholeAndByteByByte(_ index: Int) throws {
        let (input, expected) = Self.cases[index]
        for fastPath in [true, false] {
            #expect(try parse(input, fastPath: fastPath) == [expected])
            #expect(try parse(input, chunk: 1, fastPath: fastPath) == [expected])
            #expect(try parse(input + input, chunk: 3, fastPath: fastPath) == [expected, expected])
        }
    }

    /// The fast path (simple replies parsed in Swift while hiredis holds nothing) must give the
    /// same replies, in the same order, or the same failure as hiredis alone, at every split.
    @Test func fastPathAgreesWithHiredisAtEverySplit() {
        let input = Array(Self.cases.map(\.0).joined().utf8)
        let expected = Self.cases.map(\.1)
        for split in 0...input.count {
            #expect((try? parse(input, chunks: [split, .max])) == expected, "split at \(split)")
        }
        var generator = SplitMix64(seed: 0xfa57)
        for _ in 0..<200 {
            let chunks = (0..<8).map { _ in Int(generator.next() % 24) + 1 }
            #expect((try? parse(input, chunks: chunks)) == expected, "chunks \(chunks)")
        }
    }

    @Test func parsesAllCasesConcatenatedAtRandomSplits() throws {
        let input = Self.cases.map(\.0).joined()
        let expected = Self.cases.map(\.1)
        for chunk in [2, 5, 7, 13, 64] {
            #expect(try parse(input, chunk: chunk) == expected)
        }
    }

    @Test func rejectsArraysLongerThanTheLimit() {
        var limits = RedisReplyReader.Limits()
        limits.maxElements = 3
        #expect(throws: RedisError.self) { try parse("*2147483647\r\n", limits: limits) }
        #expect((try? parse("*3\r\n:1\r\n:2\r\n:3\r\n", limits: limits)) == [.array([.integer(1), .integer(2), .integer(3)])])
        do {
            _ = try parse("*4\r\n", limits: limits)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .protocolError)
            #expect(error.message.contains("longer than 3"))
        }
    }

    @Test func rejectsRepliesLargerThanTheByteLimit() {
        var limits = RedisReplyReader.Limits()
        limits.maxBufferedBytes = 16
        #expect(throws: RedisError.self) { try parse("$100\r\n" + String(repeating: "a", count: 40), limits: limits) }
    }

    @Test func rejectsNestingDeeperThanHiredisSupportsAndStaysFailed() {
        let deep = String(repeating: "*1\r\n", count: 9) + ":1\r\n"
        let reader = RedisReplyReader()
        Array(deep.utf8).withUnsafeBytes { try? reader.feed($0) }
        #expect(throws: RedisError.self) { _ = try reader.next() }
        // Errors are sticky: the connection must be dropped, never resynchronised.
        #expect(throws: RedisError.self) { _ = try reader.next() }
    }

    @Test func rejectsGarbage() {
        #expect(throws: RedisError.self) { try parse("?what\r\n") }
        #expect(throws: RedisError.self) { try parse("$abc\r\n") }
    }

    @Test func convenienceAccessors() {
        #expect(RedisReply.bulkString(Array("12".utf8)).integer == 12)
        #expect(RedisReply.bulkString(Array("hi".utf8)).string == "hi")
        #expect(RedisReply.bulkString([0xff]).string == nil)
        #expect(RedisReply.status("OK").string == "OK")
        #expect(RedisReply.null.isNull)
        #expect(RedisReply.error("ERR x").errorMessage == "ERR x")
        #expect(throws: RedisError.self) { try RedisReply.error("ERR x").throwingServerError() }
        #expect(RedisReply.array([.integer(1)]).array == [.integer(1)])
    }

    /// Seeded mutations of valid input: the reader must only ever return replies, ask for more
    /// bytes, or throw a typed error (never crash, never hang).
    @Test func mutatedInputNeverCrashes() {
        var generator = SplitMix64(seed: 0x5eed)
        let corpus = Self.cases.map { Array($0.0.utf8) } + [Array("*2\r\n*2\r\n:1\r\n$2\r\nab\r\n+OK\r\n".utf8)]
        let alphabet = Array("*$:+-\r\n0123456789-1".utf8) + [0, 255]
        var outcomes = (replies: 0, errors: 0)
        for _ in 0..<3000 {
            var input = corpus[Int(generator.next() % UInt64(corpus.count))]
            for _ in 0...(generator.next() % 4) {
                let position = Int(generator.next() % UInt64(input.count + 1))
                let byte = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                switch generator.next() % 3 {
                case 0 where position < input.count: input[position] = byte
                case 1: input.insert(byte, at: position)
                default: if position < input.count { input.remove(at: position) }
                }
            }
            var limits = RedisReplyReader.Limits()
            limits.maxElements = 1000
            limits.maxBufferedBytes = 1 << 16
            // Both paths, whole and split, must agree on the replies or on failing.
            let split = [Int(generator.next() % 7) + 1, Int(generator.next() % 7) + 1]
            let hiredisOnly = Result { () throws(RedisError) in try parse(input, chunks: [.max], limits: limits, fastPath: false) }
            let fast = Result { () throws(RedisError) in try parse(input, chunks: [.max], limits: limits) }
            let fastSplit = Result { () throws(RedisError) in try parse(input, chunks: split, limits: limits) }
            let hiredisSplit = Result { () throws(RedisError) in try parse(input, chunks: split, limits: limits, fastPath: false) }
            #expect((try? fast.get()) == (try? hiredisOnly.get()), "input \(input)")
            #expect((try? fastSplit.get()) == (try? hiredisSplit.get()), "input \(input) split \(split)")
            let reader = RedisReplyReader(limits: limits)
            var failure: RedisError?
            input.withUnsafeBytes { raw in
                do { try reader.feed(raw) } catch { failure = (error as? RedisError) ?? RedisError(.protocolError, "\(error)") }
            }
            if failure == nil {
                do {
                    while try reader.next() != nil { outcomes.replies += 1 }
                } catch {
                    failure = error
                }
            }
            if let failure {
                outcomes.errors += 1
                #expect(failure.code == .protocolError)
            }
        }
        #expect(outcomes.replies > 0 && outcomes.errors > 0)
    }
}
