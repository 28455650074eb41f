/// The one error type of the Cryptography module: callers switch on `code`, logs read `message`.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why an operation failed; a struct so new reasons can be added without breaking callers.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A key could not be parsed, or is of the wrong type, curve or size.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// A signature is not well formed (wrong length, bad DER); a *wrong* signature is `false`, not this.
        public static let invalidSignature = Code(rawValue: "invalid_signature")
        /// Input text is not valid base64, base64url or hex.
        public static let invalidEncoding = Code(rawValue: "invalid_encoding")
        /// An input is larger than libcrypto accepts (its lengths are C `int`).
        public static let inputTooLarge = Code(rawValue: "input_too_large")
        /// libcrypto reported a failure that input cannot explain (allocation, provider missing).
        public static let libraryFailure = Code(rawValue: "library_failure")
    }

    public let code: Code
    /// Human text for logs; never contains key material or the data being processed.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CryptoError(\(code)): \(message)" }
}
