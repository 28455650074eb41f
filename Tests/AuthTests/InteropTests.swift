import Foundation
import Testing
@testable import Auth
import Cryptography

@Suite struct InteropTests {
    static func expectFixtureClaims(_ claims: JWTClaims) {
        #expect(claims.subject == "billing-service")
        #expect(claims.role == .manager)
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 4_102_444_800))
        #expect(claims.issuedAt == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(claims.audience == ["dashboard", "api"])
        #expect(claims.issuer == "coordinator")
    }

    func verifier() throws -> JWTVerifier {
        JWTVerifier(
            keys: [
                try .hs256(secret: PyJWTFixtures.secret.utf8),
                try .rs256(pem: PyJWTFixtures.rsaPEM, keyID: "rsa-1"),
                try .es256(pem: PyJWTFixtures.ecPEM),
            ],
            options: JWTValidationOptions(issuer: "coordinator", audience: "api")
        )
    }

    @Test(arguments: [PyJWTFixtures.hs256, PyJWTFixtures.rs256, PyJWTFixtures.es256])
    func pyJWTTokensVerify(token: String) throws {
        Self.expectFixtureClaims(try verifier().verify(token, now: PyJWTFixtures.now))
        #expect(throws: AuthError(.notYetValid, "token is not valid yet")) {
            try verifier().verify(token, now: Date(timeIntervalSince1970: 1_767_225_000))
        }
    }

    @Test(arguments: [PyJWTFixtures.hs256, PyJWTFixtures.rs256, PyJWTFixtures.es256])
    func tamperedPyJWTTokensFail(token: String) throws {
        var parts = token.split(separator: ".").map(String.init)
        var payload = try #require(Base64URL.decode(parts[1]))
        payload = Array(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "manager", with: "admin!!").utf8)
        parts[1] = Base64URL.encode(payload)
        #expect(throws: AuthError(.badSignature, "token signature is not valid")) {
            try verifier().verify(parts.joined(separator: "."), now: PyJWTFixtures.now)
        }
    }

    /// Our signer writes the same bytes PyJWT does for the same claims (PyJWT: compact JSON, keys
    /// given in sorted order), so any JWT library reads our tokens.
    @Test func signerMatchesPyJWTByteForByte() throws {
        let claims = JWTClaims(
            subject: "ops-cli", role: .admin, expiresAt: Date(timeIntervalSince1970: 4_102_444_800),
            issuedAt: Date(timeIntervalSince1970: 1_767_225_600), issuer: "coordinator", audience: ["api"]
        )
        let token = try JWTSigner.hs256(secret: PyJWTFixtures.secret.utf8).sign(claims)
        #expect(token == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJhdWQiOiJhcGkiLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NzIyNTYwMCwiaXNzIjoiY29vcmRpbmF0b3IiLCJyb2xlIjoiYWRtaW4iLCJzdWIiOiJvcHMtY2xpIn0"
            + ".6YH-k-J3PfM6Gmv2gun03ffP0IX-KJoufG9UYx4N3QE")
    }

    /// RFC 7515 appendix A.1: the signature checks out with the RFC's key; the token then lacks our
    /// `sub`, which is reported only after the signature passed. Its `exp` (2011) is honoured: `now` is before it.
    @Test func rfc7515AppendixA1() throws {
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let key = try #require(Base64URL.decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"))
        let rfcVerifier = JWTVerifier(keys: [try .hs256(secret: key)])
        let before = Date(timeIntervalSince1970: 1_300_819_000)
        #expect(throws: AuthError(.missingClaim, "token has no 'sub'")) { try rfcVerifier.verify(token, now: before) }
        #expect(throws: AuthError(.badSignature, "token signature is not valid")) {
            try JWTVerifier(keys: [try .hs256(secret: key.reversed())]).verify(token, now: before)
        }
    }
}
