/// The one error type of the WebSocket layer, from the handshake to message assembly. Frame errors
/// are sticky: after one, the connection sends a close frame with `closeCode` and ends.
public struct WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong; a struct so new reasons do not break callers. Mapped to close codes and HTTP
    /// statuses in `WebSocketError+Mapping.swift` only.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Frames (close 1002 unless noted).
        public static let reservedBitsSet = Code(rawValue: "reserved_bits_set")
        public static let unknownOpcode = Code(rawValue: "unknown_opcode")
        public static let unmaskedClientFrame = Code(rawValue: "unmasked_client_frame")
        public static let maskedServerFrame = Code(rawValue: "masked_server_frame")
        public static let fragmentedControlFrame = Code(rawValue: "fragmented_control_frame")
        public static let controlFrameTooLarge = Code(rawValue: "control_frame_too_large")
        public static let nonMinimalLength = Code(rawValue: "non_minimal_length")
        public static let invalidLength = Code(rawValue: "invalid_length")
        /// Close 1009.
        public static let frameTooLarge = Code(rawValue: "frame_too_large")

        // Messages.
        public static let continuationWithoutStart = Code(rawValue: "continuation_without_start")
        public static let dataFrameInsideFragmentedMessage = Code(rawValue: "data_frame_inside_fragmented_message")
        /// Close 1009.
        public static let messageTooLarge = Code(rawValue: "message_too_large")
        /// Close 1009.
        public static let tooManyFragments = Code(rawValue: "too_many_fragments")
        /// Close 1007.
        public static let invalidUTF8 = Code(rawValue: "invalid_utf8")
        public static let invalidClosePayload = Code(rawValue: "invalid_close_payload")
        public static let invalidCloseCode = Code(rawValue: "invalid_close_code")
        public static let frameAfterClose = Code(rawValue: "frame_after_close")

        // Handshake (an HTTP status instead of a close code).
        public static let handshakeMethodNotAllowed = Code(rawValue: "handshake_method_not_allowed")
        public static let handshakeHTTPVersion = Code(rawValue: "handshake_http_version")
        public static let handshakeMissingUpgrade = Code(rawValue: "handshake_missing_upgrade")
        public static let handshakeMissingConnectionUpgrade = Code(rawValue: "handshake_missing_connection_upgrade")
        public static let handshakeUnsupportedVersion = Code(rawValue: "handshake_unsupported_version")
        public static let handshakeInvalidKey = Code(rawValue: "handshake_invalid_key")
        public static let handshakeOriginNotAllowed = Code(rawValue: "handshake_origin_not_allowed")
    }

    public let code: Code
    /// Human text safe to show a client (it never echoes the peer's bytes).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "WebSocketError(\(code)): \(message)" }
}
