import Foundation
import Testing
@testable import Storage

@Suite struct RedisCommandEncoderTests {
    private func encode(_ command: String, _ arguments: [any RedisArgumentConvertible]) -> String {
        var buffer: [UInt8] = []
        RedisCommandEncoder.append(command, arguments, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func encodesCommandWithoutArguments() {
        #expect(encode("PING", []) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func encodesStringsBytesDataAndIntegers() {
        #expect(encode("SET", ["k", [UInt8]([0, 13, 10]), Data("é".utf8), 42, -7, Int64.min]) ==
            "*7\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\0\r\n\r\n$2\r\né\r\n$2\r\n42\r\n$2\r\n-7\r\n$20\r\n-9223372036854775808\r\n")
    }

    @Test func encodesEmptyAndLongArguments() {
        let long = String(repeating: "x", count: 1000)
        #expect(encode("ECHO", [""]) == "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")
        #expect(encode("ECHO", [long]) == "*2\r\n$4\r\nECHO\r\n$1000\r\n\(long)\r\n")
        #expect(encode("X", [0, Int.max]) == "*3\r\n$1\r\nX\r\n$1\r\n0\r\n$19\r\n9223372036854775807\r\n")
    }

    /// Every length across the 1-, 2- and 3-digit headers, for
    /// strings, substrings and bytes alike.
    @Test func encodesEveryLengthAcrossHeaderWidths() {
        for length in 0...260 {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let expected = "*2\r\n$3\r\nSET\r\n$\(length)\r\n\(text)\r\n"
            #expect(encode("SET", [text]) == expected)
            #expect(encode("SET", [Substring(text)]) == expected)
            #expect(encode("SET", [Array(text.utf8)]) == expected)
        }
    }

    @Test func encodedCommandMatchesSplitForm() {
        var split: [UInt8] = []
        RedisCommandEncoder.append(["AUTH", "user", "p@ss"], to: &split)
        #expect(RedisCommand("AUTH", "user", "p@ss").encoded == split)
        #expect(String(decoding: split, as: UTF8.self) == "*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$4\r\np@ss\r\n")
    }
}
