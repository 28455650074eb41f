/// Failures of the server outside request parsing (binding, lifecycle, closed connections).
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifier of the failure.
    public struct Code: Hashable, Sendable, RawRepresentable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let invalidAddress = Code(rawValue: "invalid_address")
        public static let system = Code(rawValue: "system")
        public static let alreadyStarted = Code(rawValue: "already_started")
        public static let connectionClosed = Code(rawValue: "connection_closed")
    }

    public let code: Code
    public let message: String
    public let systemError: SystemError?

    public init(_ code: Code, _ message: String, systemError: SystemError? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    init(_ error: SystemError) { self.init(.system, error.description, systemError: error) }

    public var description: String { "HTTPServerError(\(code.rawValue)): \(message)" }
}
