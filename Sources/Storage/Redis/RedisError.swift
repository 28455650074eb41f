/// The one error type of the Redis client: a code callers can switch on plus a human message.
///
/// A struct rather than an enum so that new codes can be added without breaking callers.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarse enough to decide a reaction (retry, 503, bug).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// Private so new codes can be added without breaking anyone's exhaustive switch.
        private enum Value: Sendable, Hashable {
            case invalidURL, connectionFailed, connectionLost, timeout, server, protocolError
            case authenticationFailed, cancelled, shutdown, unexpectedReply
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The configuration URL is malformed.
        public static let invalidURL = Code(.invalidURL)
        /// Redis could not be reached (refused, unresolvable, connect timeout) or is reconnecting.
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while the command was in flight; it may or may not have run.
        public static let connectionLost = Code(.connectionLost)
        /// No reply within the command timeout; the command may still run on the server.
        public static let timeout = Code(.timeout)
        /// Redis answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`, `-NOSCRIPT ...`).
        public static let server = Code(.server)
        /// The bytes from Redis broke RESP or a client limit; the connection is dropped.
        public static let protocolError = Code(.protocolError)
        /// AUTH was refused (wrong user or password, or a password is required).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The calling task was cancelled before the reply arrived.
        public static let cancelled = Code(.cancelled)
        /// The client was shut down.
        public static let shutdown = Code(.shutdown)
        /// Redis answered, but not with the shape this API expects.
        public static let unexpectedReply = Code(.unexpectedReply)

        public var description: String {
            switch value {
            case .invalidURL: "invalidURL"
            case .connectionFailed: "connectionFailed"
            case .connectionLost: "connectionLost"
            case .timeout: "timeout"
            case .server: "server"
            case .protocolError: "protocolError"
            case .authenticationFailed: "authenticationFailed"
            case .cancelled: "cancelled"
            case .shutdown: "shutdown"
            case .unexpectedReply: "unexpectedReply"
            }
        }
    }

    public let code: Code
    /// Human text. For `.server` it is Redis's own error line (e.g. `NOSCRIPT No matching script...`).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// For `.server` errors: the first word of Redis's message (`ERR`, `WRONGTYPE`, `NOSCRIPT`, ...).
    public var serverErrorPrefix: Substring? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }

    public var description: String { "RedisError.\(code): \(message)" }

    static func server(_ message: String) -> RedisError { RedisError(.server, message) }
}
