import Foundation
import Testing
@testable import Logging

/// `JSONValueParser` must read exactly what `JSONDecoder` reads as `JSONValue` (the reference),
/// on a table of valid and invalid documents and on seeded mutations of real claim sets, except
/// where it is stricter on purpose: a trailing comma (`JSONDecoder` accepts `[1,]`) and a repeated
/// member name (`JSONDecoder` keeps the first).
@Suite struct JSONValueParserTests {
    static func reference(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static let table: [String] = [
        #"{}"#, #"[]"#, #" { "a" : 1 } "#, #"{"sub":"alice","role":"user","exp":1796300000,"iat":1.5e9}"#,
        #"{"aud":["a","b"],"n":null,"t":true,"f":false,"neg":-0.25,"e":1E+2,"z":0}"#,
        #"{"s":"\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00 é"}"#, #"{"nested":{"a":[1,[2,[3]]]}}"#,
        #"1"#, #""x""#, #"null"#, #"-0"#,
        // Invalid.
        "", " ", #"{"#, #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, #"{'a':1}"#, #"01"#, #"1."#,
        #".5"#, #"+1"#, #"1e"#, #"--1"#, #"{"a":1}x"#, #"{"a":1}{}"#, #"tru"#, #"nul"#, #"True"#, #"NaN"#,
        #"Infinity"#, #"1e400"#, "{\"a\":\"\u{1}\"}", #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud83d"}"#,
        #"{"a":"\ude00"}"#, #"{"a":"\ud83d\u0041"}"#, "\"abc", "[1 2]", "{\"a\" 1}",
    ]

    @Test func refusesTrailingCommas() {
        for text in [#"{"a":1,}"#, #"[1,]"#, #"{"a":[1, ] }"#] {
            #expect(Self.reference(Array(text.utf8)) != nil, "JSONDecoder no longer accepts \(text)")
            #expect(JSONValueParser.parse(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func agreesWithJSONDecoderOnTheTable() {
        for text in Self.table {
            let bytes = Array(text.utf8)
            #expect(JSONValueParser.parse(bytes) == Self.reference(bytes), "\(text)")
        }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(JSONValueParser.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValueParser.parse([0x22, 0xFF, 0x22]) == nil)
        #expect(JSONValueParser.parse(Array(String(repeating: "[", count: 100_000).utf8)) == nil)
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        #expect(JSONValueParser.parse(nested(JSONValueParser.maxDepth + 1)) == nil)
        #expect(JSONValueParser.parse(nested(JSONValueParser.maxDepth)) != nil)
    }

    /// RFC 7519 section 4: a duplicate claim name is refused rather than resolved.
    @Test func refusesDuplicateMemberNames() {
        #expect(JSONValueParser.parse(Array(#"{"role":"user","role":"admin"}"#.utf8)) == nil)
        #expect(JSONValueParser.parse(Array(#"{"a":{"x":1},"b":{"x":1}}"#.utf8)) != nil)
        #expect(JSONValueParser.parse(Array(#"{"role":"user","role":"admin"}"#.utf8), refusingDuplicateNames: false)
            == .object(["role": .string("user")]))
    }

    @Test func agreesWithJSONDecoderOnMutations() {
        let seeds = [#"{"sub":"bench","role":"user","exp":1796300000,"iat":1796296400,"aud":["x","y"],"n":null}"#,
                     #"{"alg":"HS256","typ":"JWT","kid":"k-1"}"#, #"{"s":"a\"\\\u00e9\ud83d\ude00","t":true,"f":-1.5e-3}"#]
        let alphabet = Array(#"{}[]":,.-+eE0123456789tfnrul\ "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var compared = 0
        for _ in 0..<20_000 {
            var bytes = Array(seeds[next(seeds.count)].utf8)
            for _ in 0...next(3) {
                let position = next(bytes.count + 1)
                switch next(3) {
                case 0: bytes.insert(alphabet[next(alphabet.count)], at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = alphabet[next(alphabet.count)] }
                }
            }
            let ours = JSONValueParser.parse(bytes)
            let reference = Self.reference(bytes)
            // The intended differences: a trailing comma or a repeated member name.
            if ours == nil, reference != nil, Self.hasTrailingComma(bytes) {
                continue
            }
            if ours == nil, reference != nil, JSONValueParser.parse(bytes, refusingDuplicateNames: false) == reference {
                continue
            }
            compared += 1
            #expect(ours == reference, "\(String(decoding: bytes, as: UTF8.self)) \(bytes)")
        }
        #expect(compared > 19_000)
    }

    /// A comma, then only spaces before a closing bracket or brace.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.range(of: #",\s*[}\]]"#, options: .regularExpression) != nil
    }
}
