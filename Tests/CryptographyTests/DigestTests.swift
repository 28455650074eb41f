import Testing
@testable import Cryptography

@Suite struct DigestTests {
    // FIPS 180-2 appendix vectors.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, sha1: String, sha256: String) throws {
        #expect(Hex.encode(try Digest.sha1(input.utf8)) == sha1)
        #expect(Hex.encode(try Digest.sha256(Array(input.utf8))) == sha256)
    }

    @Test func millionA() throws {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(try Digest.sha256(input)) ==
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func nonContiguousInputMatchesArray() throws {
        let bytes = (0..<300).lazy.map { UInt8($0 & 0xFF) }
        #expect(try Digest.sha256(bytes) == Digest.sha256(Array(bytes)))
        #expect(try Digest.hash(.sha512, bytes).count == 64)
    }
}
