import Testing
@testable import Cryptography

@Suite struct EncodingTests {
    // RFC 4648 section 10 vectors.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64(plain: String, encoded: String) {
        #expect(Base64.encode(plain.utf8) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        let url = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base64URL.encode(plain.utf8) == url)
        #expect(Base64URL.decode(url) == Array(plain.utf8))
    }

    @Test func base64urlAlphabet() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("-_-_") == bytes)
    }

    /// Padding, whitespace, foreign characters, impossible lengths, non-zero trailing bits ("Zh", "Zm9")
    /// and the standard alphabet's + and / are refused, so each byte string has one accepted spelling.
    @Test(arguments: ["Zg=", "Z", "Zm9v\n", "Zm 9v", "Zm9v*", "Zh", "Zh==", "Zm9", "+/+/"])
    func base64urlRejects(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    /// The one-pass base64url decoder against the earlier path (translate, pad, strict `Base64`),
    /// on seeded random texts over the alphabet plus a few foreign characters, all lengths 0-12.
    @Test func base64urlMatchesThePaddedPath() {
        func viaPadded(_ text: String) -> [UInt8]? {
            var standard = ""
            for char in text {
                switch char {
                case "-": standard.append("+")
                case "_": standard.append("/")
                case "+", "/", "=": return nil
                default: standard.append(char)
                }
            }
            switch standard.utf8.count % 4 {
            case 2: standard += "=="
            case 3: standard += "="
            case 1: return nil
            default: break
            }
            return Base64.decode(standard)
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") + ["=", "+", " ", "."]
        var state: UInt64 = 0x853C_49E6_748F_EA9B
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var text = ""
            for index in 0..<Int(state >> 60) { text.append(alphabet[Int((state >> UInt64(index * 4 % 56)) % UInt64(alphabet.count))]) }
            #expect(Base64URL.decode(text) == viaPadded(text), "\(text)")
        }
    }

    @Test(arguments: ["Zg", "Zg=", "Zh==", "Zm9v\n", "Zm9v ", "-_-_", "Zm9vYg==="])
    func base64Rejects(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func hex() {
        #expect(Hex.encode([0x00, 0x7f, 0xab, 0xff] as [UInt8]) == "007fabff")
        #expect(Hex.decode("007FabfF") == [0x00, 0x7f, 0xab, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0g") == nil)
    }
}
