/// The one error type of Auth. Callers map it to a response with `httpStatus` (see
/// `AuthError+Mapping.swift`); `message` is safe to send to the client.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why a request was not authorized; a struct so reasons can be added without breaking callers.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No `Authorization` header, or not a `Bearer` one.
        public static let missingToken = Code(rawValue: "missing_token")
        /// Not a compact JWS: segment count, base64url, JSON, or header fields.
        public static let malformed = Code(rawValue: "malformed_token")
        /// `alg: none`, or an algorithm this code does not implement.
        public static let unsupportedAlgorithm = Code(rawValue: "unsupported_algorithm")
        /// A known algorithm for which no key is configured (blocks algorithm confusion).
        public static let algorithmMismatch = Code(rawValue: "algorithm_mismatch")
        public static let badSignature = Code(rawValue: "bad_signature")
        public static let expired = Code(rawValue: "token_expired")
        /// `nbf` or `iat` lies in the future beyond the leeway.
        public static let notYetValid = Code(rawValue: "token_not_yet_valid")
        /// A required claim (`exp`, `sub`, `role`) is absent.
        public static let missingClaim = Code(rawValue: "missing_claim")
        /// A claim has the wrong type or an unknown value (e.g. an unknown role).
        public static let invalidClaim = Code(rawValue: "invalid_claim")
        public static let wrongIssuer = Code(rawValue: "wrong_issuer")
        public static let wrongAudience = Code(rawValue: "wrong_audience")
        /// Authenticated, but the role is below the one the route requires.
        public static let insufficientRole = Code(rawValue: "insufficient_role")
        /// A configured key or secret is unusable (too short, wrong type); a startup error.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// Signing failed inside libcrypto.
        public static let signingFailed = Code(rawValue: "signing_failed")
    }

    public let code: Code
    /// Short human text for the client; never contains the token, secrets or key material.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "AuthError(\(code)): \(message)" }
}
