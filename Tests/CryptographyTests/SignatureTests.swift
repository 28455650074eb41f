import Testing
@testable import Cryptography

@Suite struct SignatureTests {
    let message = Array("1700000000{\"event\":\"delivered\"}".utf8)

    @Test func ecdsaDERSignatureFromBase64Key() throws {
        let pair = try #require(TestKeyPair(.p256))
        let key = try ECDSAP256PublicKey(base64DER: Base64.encode(pair.publicDER))
        let signature = try #require(pair.sign(message))
        #expect(try key.isValidSignature(derSignature: signature, for: message))

        var tamperedMessage = message
        tamperedMessage[0] ^= 1
        #expect(try !key.isValidSignature(derSignature: signature, for: tamperedMessage))

        var tamperedSignature = signature
        tamperedSignature[tamperedSignature.count - 1] ^= 1
        #expect(try !key.isValidSignature(derSignature: tamperedSignature, for: message))
        #expect(try !key.isValidSignature(derSignature: [0x30, 0x00], for: message))
        #expect(try !key.isValidSignature(derSignature: [], for: message))
    }

    @Test func ecdsaOtherKeyFails() throws {
        let pair = try #require(TestKeyPair(.p256))
        let other = try #require(TestKeyPair(.p256))
        let key = try ECDSAP256PublicKey(der: other.publicDER)
        let signature = try #require(pair.sign(message))
        #expect(try !key.isValidSignature(derSignature: signature, for: message))
    }

    @Test func joseRawSignature() throws {
        let pair = try #require(TestKeyPair(.p256))
        let key = try ECDSAP256PublicKey(pem: pair.publicPEM)
        let raw = try #require(pair.signRaw(message))
        #expect(raw.count == 64)
        #expect(try key.isValidSignature(rawSignature: raw, for: message))
        var tampered = raw
        tampered[10] ^= 0x80
        #expect(try !key.isValidSignature(rawSignature: tampered, for: message))
        #expect(try !key.isValidSignature(rawSignature: Array(raw.prefix(63)), for: message))
        #expect(throws: CryptoError.self) { try ECDSASignature.derFromRaw(Array(raw.prefix(63))) }
        // The converted DER verifies through the DER entry point too.
        #expect(try key.isValidSignature(derSignature: ECDSASignature.derFromRaw(raw), for: message))
    }

    @Test func rsaPKCS1SHA256() throws {
        let pair = try #require(TestKeyPair(.rsa(bits: 2048)))
        let key = try RSAPublicKey(pem: pair.publicPEM)
        #expect(key.bits == 2048)
        let signature = try #require(pair.sign(message))
        #expect(try key.isValidSignature(signature, for: message))
        var tampered = signature
        tampered[0] ^= 1
        #expect(try !key.isValidSignature(tampered, for: message))
        #expect(try !key.isValidSignature(signature, for: message + [0]))
        #expect(try !key.isValidSignature([], for: message))
    }

    @Test func keyTypesAreChecked() throws {
        let ec = try #require(TestKeyPair(.p256))
        let rsa = try #require(TestKeyPair(.rsa(bits: 2048)))
        #expect(throws: CryptoError(.invalidKey, "key is not an RSA public key")) { try RSAPublicKey(pem: ec.publicPEM) }
        #expect(throws: CryptoError(.invalidKey, "key is not an EC P-256 public key")) {
            try ECDSAP256PublicKey(der: rsa.publicDER)
        }
        #expect(throws: CryptoError(.invalidEncoding, "public key is not base64")) {
            try ECDSAP256PublicKey(base64DER: "not base64!")
        }
        #expect(throws: CryptoError.self) { try ECDSAP256PublicKey(der: [0x30, 0x03, 0x01, 0x02]) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
    }

    @Test func weakRSAKeyRefused() throws {
        let small = try #require(TestKeyPair(.rsa(bits: 1024)))
        #expect(throws: CryptoError.self) { try RSAPublicKey(der: small.publicDER) }
    }
}

/// A SendGrid-style event webhook signature made outside OpenSSL's C API (Python `cryptography` 48):
/// ECDSA P-256 SHA-256 over `timestamp + raw body`, base64 DER signature, base64 DER public key.
@Suite struct SendGridStyleInteropTests {
    let publicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9NVgs7Q6/a0zNWoSQspzSYzQaljMaYelRu7BTwXovB/l7eWOI4CWzH/YEiaSj1dryo6LiKqxPIm2/1s5eZl+TA=="
    let timestamp = "1767225600"
    let body = "[{\"email\":\"a@example.com\",\"event\":\"delivered\",\"sg_event_id\":\"evt-1\",\"timestamp\":1767225600}]\r\n"
    let signature = "MEUCIEmBdqMZRfPaqKu4lqCeir4KStvx+JnC4Dn4rqLvJpXuAiEA6BSkPCJV6Np5zInEPlRyay9dQRjucbbNZlWtmLF9QQo="

    @Test func verifies() throws {
        let key = try ECDSAP256PublicKey(base64DER: publicKey)
        let der = try #require(Base64.decode(signature))
        #expect(try key.isValidSignature(derSignature: der, for: Array((timestamp + body).utf8)))
        // Another timestamp, or the body without its trailing CRLF, fails.
        #expect(try !key.isValidSignature(derSignature: der, for: Array(("1767225601" + body).utf8)))
        #expect(try !key.isValidSignature(derSignature: der, for: Array((timestamp + body.dropLast(2)).utf8)))
    }
}
