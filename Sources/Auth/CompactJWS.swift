import Logging
import Cryptography

/// A token split into its three compact-serialization segments (RFC 7515 section 7.1), each decoded
/// with strict base64url; nothing is trusted yet.
struct CompactJWS {
    let header: [String: JSONValue]
    let payload: [UInt8]
    let signature: [UInt8]
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, exactly as received: what was signed.
    let signingInput: [UInt8]

    init(_ token: some StringProtocol, maxLength: Int) throws(AuthError) {
        let utf8 = Array(token.utf8)
        guard !utf8.isEmpty, utf8.count <= maxLength else {
            throw AuthError(.malformed, "token is empty or too long")
        }
        let segments = utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw AuthError(.malformed, "token must have three dot-separated segments")
        }
        // An empty payload would be a detached-payload JWS, which bearer tokens never are.
        guard !segments[0].isEmpty, !segments[1].isEmpty else {
            throw AuthError(.malformed, "token header and payload must not be empty")
        }
        // Straight from the byte slices: no `String` per segment.
        guard let headerBytes = Base64URL.decode(bytes: segments[0]),
              let payload = Base64URL.decode(bytes: segments[1]),
              let signature = Base64URL.decode(bytes: segments[2])
        else {
            throw AuthError(.malformed, "token segments must be unpadded base64url")
        }
        guard let header = JSONValue.object(from: headerBytes) else {
            throw AuthError(.malformed, "token header is not a JSON object")
        }
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInput = Array(utf8[..<(segments[0].count + 1 + segments[1].count)])
    }
}
