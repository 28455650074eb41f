import Cryptography

/// Builds tokens with any header and payload text, including ones our signer would never make
/// (alg none, confused algorithms, odd claim types).
enum TokenFactory {
    static let secret = Array("test-secret-that-is-at-least-32-bytes-long".utf8)

    static func segment(_ json: String) -> String { Base64URL.encode(json.utf8) }

    static func hs256(header: String = #"{"alg":"HS256","typ":"JWT"}"#, payload: String, secret: [UInt8] = secret) -> String {
        let input = segment(header) + "." + segment(payload)
        let mac = (try? HMAC.sha256(key: secret, message: input.utf8)) ?? []
        return input + "." + Base64URL.encode(mac)
    }

    static func payload(sub: String = "svc", role: String = "user", exp: Int = 2_000_000_000, extra: String = "") -> String {
        #"{"sub":"\#(sub)","role":"\#(role)","exp":\#(exp)\#(extra)}"#
    }
}
