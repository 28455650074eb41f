import Foundation
import Testing
@testable import Auth
@testable import Cryptography

@Suite struct JWTVerifierTests {
    let verifier: JWTVerifier
    /// 2001-09-09: before every `exp` used below.
    let now = Date(timeIntervalSince1970: 1_000_000_000)

    init() throws {
        verifier = JWTVerifier(keys: [try .hs256(secret: TokenFactory.secret)])
    }

    func code(_ token: String, verifier: JWTVerifier? = nil, at time: Date? = nil) -> AuthError.Code? {
        do {
            _ = try (verifier ?? self.verifier).verify(token, now: time ?? now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func signsAndVerifies() throws {
        let claims = JWTClaims(
            subject: "alice", role: .manager, expiresAt: now.addingTimeInterval(3600),
            notBefore: now, issuedAt: now, issuer: "coordinator", audience: ["api"], tokenID: "t-1"
        )
        let token = try JWTSigner.hs256(secret: TokenFactory.secret).sign(claims)
        #expect(try verifier.verify(token, now: now) == claims)
        #expect(try verifier.verify(authorizationHeader: "Bearer \(token)", now: now).subject == "alice")
    }

    @Test func timeWindowWithLeeway() throws {
        let exp = 1_000_000_100
        let token = TokenFactory.hs256(payload: TokenFactory.payload(exp: exp, extra: #","nbf":1000000050,"iat":1000000040"#))
        let at = { (seconds: Int) in Date(timeIntervalSince1970: TimeInterval(seconds)) }
        #expect(code(token, at: at(exp + 29)) == nil)
        #expect(code(token, at: at(exp + 30)) == .expired)
        #expect(code(token, at: at(exp + 3600)) == .expired)
        #expect(code(token, at: at(1_000_000_020)) == nil)  // 30 s before nbf: inside the leeway
        #expect(code(token, at: at(1_000_000_019)) == .notYetValid)
        let strict = JWTVerifier(keys: verifier.keys, options: JWTValidationOptions(leeway: 0))
        #expect(code(token, verifier: strict, at: at(exp)) == .expired)
        #expect(code(token, verifier: strict, at: at(1_000_000_049)) == .notYetValid)
    }

    @Test func issuedInTheFutureIsRefused() {
        let token = TokenFactory.hs256(payload: TokenFactory.payload(extra: #","iat":1000000100"#))
        #expect(code(token) == .notYetValid)
    }

    @Test func tamperedPayloadAndSignature() {
        let token = TokenFactory.hs256(payload: TokenFactory.payload(role: "user"))
        let parts = token.split(separator: ".").map(String.init)
        let forgedPayload = TokenFactory.segment(TokenFactory.payload(role: "admin"))
        #expect(code([parts[0], forgedPayload, parts[2]].joined(separator: ".")) == .badSignature)

        var signature = Array(parts[2])
        signature[5] = signature[5] == "A" ? "B" : "A"
        #expect(code([parts[0], parts[1], String(signature)].joined(separator: ".")) == .badSignature)
        #expect(code([parts[0], parts[1], ""].joined(separator: ".")) == .badSignature)
    }

    @Test func wrongSecret() {
        let token = TokenFactory.hs256(payload: TokenFactory.payload(), secret: Array("another-secret-of-at-least-32-bytes!!".utf8))
        #expect(code(token) == .badSignature)
    }

    @Test(arguments: [
        #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"None"}"#, #"{"alg":"NONE"}"#, #"{"alg":"HS512"}"#,
        #"{"alg":"hs256"}"#, #"{"alg":"PS256"}"#, #"{"alg":""}"#, #"{"alg":"HS256","crit":["exp"]}"#,
    ])
    func refusedAlgorithms(header: String) {
        let unsigned = TokenFactory.segment(header) + "." + TokenFactory.segment(TokenFactory.payload()) + "."
        #expect(code(unsigned) == .unsupportedAlgorithm)
        #expect(code(TokenFactory.hs256(header: header, payload: TokenFactory.payload())) == .unsupportedAlgorithm)
    }

    /// The classic confusion: an RS256 verifier's public key text used as an HS256 secret.
    @Test func algorithmConfusion() throws {
        let rsaVerifier = JWTVerifier(keys: [try .rs256(pem: PyJWTFixtures.rsaPEM)])
        let forged = TokenFactory.hs256(payload: TokenFactory.payload(role: "admin"), secret: Array(PyJWTFixtures.rsaPEM.utf8))
        #expect(code(forged, verifier: rsaVerifier) == .algorithmMismatch)
        // And an HS256-only verifier never checks RS256 or ES256 tokens.
        #expect(code(PyJWTFixtures.rs256, at: PyJWTFixtures.now) == .algorithmMismatch)
        #expect(code(PyJWTFixtures.es256, at: PyJWTFixtures.now) == .algorithmMismatch)
    }

    @Test(arguments: [
        ("missing exp", #"{"sub":"a","role":"user"}"#, AuthError.Code.missingClaim),
        ("exp as string", #"{"sub":"a","role":"user","exp":"2000000000"}"#, .invalidClaim),
        ("exp as bool", #"{"sub":"a","role":"user","exp":true}"#, .invalidClaim),
        ("missing sub", #"{"role":"user","exp":2000000000}"#, .missingClaim),
        ("empty sub", #"{"sub":"","role":"user","exp":2000000000}"#, .missingClaim),
        ("missing role", #"{"sub":"a","exp":2000000000}"#, .missingClaim),
        ("unknown role", #"{"sub":"a","role":"root","exp":2000000000}"#, .invalidClaim),
        ("role in capitals", #"{"sub":"a","role":"ADMIN","exp":2000000000}"#, .invalidClaim),
        ("nbf as string", #"{"sub":"a","role":"user","exp":2000000000,"nbf":"x"}"#, .invalidClaim),
        ("aud as number", #"{"sub":"a","role":"user","exp":2000000000,"aud":5}"#, .invalidClaim),
        ("payload is an array", #"[1,2]"#, .malformed),
        ("payload is not JSON", #"{"sub":"#, .malformed),
    ])
    func claimErrors(name: String, payload: String, expected: AuthError.Code) {
        #expect(code(TokenFactory.hs256(payload: payload)) == expected, "\(name)")
    }

    @Test func fractionalExpIsAccepted() throws {
        let claims = try verifier.verify(TokenFactory.hs256(payload: TokenFactory.payload(exp: 0, extra: "").replacingOccurrences(of: #""exp":0"#, with: #""exp":1000000000.5"#)), now: now)
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 1_000_000_000.5))
    }

    @Test func malformedTokens() {
        let good = TokenFactory.hs256(payload: TokenFactory.payload())
        let parts = good.split(separator: ".").map(String.init)
        let cases: [String] = [
            "", "abc", parts[0] + "." + parts[1], good + ".x", good + ".",
            parts[0] + "=." + parts[1] + "." + parts[2],  // padding
            parts[0] + "." + parts[1] + "." + parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+",
            " " + good, good + " ", parts[0] + ".." + parts[2],
            TokenFactory.segment("not json") + "." + parts[1] + "." + parts[2],
            TokenFactory.segment(#"{"typ":"JWT"}"#) + "." + parts[1] + "." + parts[2],
            TokenFactory.segment(#"{"alg":7}"#) + "." + parts[1] + "." + parts[2],
            String(repeating: "a", count: 9000),
        ]
        for token in cases {
            #expect(code(token) == .malformed, "\(token.prefix(80))")
        }
    }

    @Test func issuerAndAudience() {
        let options = JWTValidationOptions(issuer: "coordinator", audience: "api")
        let checked = JWTVerifier(keys: verifier.keys, options: options)
        let good = TokenFactory.hs256(payload: TokenFactory.payload(extra: #","iss":"coordinator","aud":["web","api"]"#))
        #expect(code(good, verifier: checked) == nil)
        #expect(code(TokenFactory.hs256(payload: TokenFactory.payload(extra: #","iss":"other","aud":"api""#)), verifier: checked) == .wrongIssuer)
        #expect(code(TokenFactory.hs256(payload: TokenFactory.payload(extra: #","iss":"coordinator","aud":"web""#)), verifier: checked) == .wrongAudience)
        #expect(code(TokenFactory.hs256(payload: TokenFactory.payload(extra: #","iss":"coordinator""#)), verifier: checked) == .wrongAudience)
        #expect(code(TokenFactory.hs256(payload: TokenFactory.payload())) == nil)  // unchecked by default
    }

    @Test func keyIDSelectsAmongRotatedSecrets() throws {
        let old = Array("old-secret-old-secret-old-secret-old!".utf8)
        let rotated = JWTVerifier(keys: [try .hs256(secret: TokenFactory.secret, keyID: "new"), try .hs256(secret: old, keyID: "old")])
        let oldToken = TokenFactory.hs256(header: #"{"alg":"HS256","kid":"old"}"#, payload: TokenFactory.payload(), secret: old)
        #expect(code(oldToken, verifier: rotated) == nil)
        let mislabelled = TokenFactory.hs256(header: #"{"alg":"HS256","kid":"new"}"#, payload: TokenFactory.payload(), secret: old)
        #expect(code(mislabelled, verifier: rotated) == .badSignature)
        let unlabelled = TokenFactory.hs256(payload: TokenFactory.payload(), secret: old)
        #expect(code(unlabelled, verifier: rotated) == nil)
        #expect(code(TokenFactory.hs256(header: #"{"alg":"HS256","kid":7}"#, payload: TokenFactory.payload()), verifier: rotated) == .malformed)
    }

    @Test func shortSecretsAreRefused() {
        #expect(throws: AuthError.self) { try JWTVerificationKey.hs256(secret: Array("short".utf8)) }
        #expect(throws: AuthError.self) { try JWTSigner.hs256(secret: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: AuthError.self) { try JWTVerificationKey.rs256(pem: PyJWTFixtures.ecPEM) }
        #expect(throws: AuthError.self) { try JWTVerificationKey.es256(pem: PyJWTFixtures.rsaPEM) }
    }
}
